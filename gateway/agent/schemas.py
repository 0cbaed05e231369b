"""REST representations of the agent (preview question, usage, audit) and of its knowledge base
(documents, uploads, re-index, search). The settings and the preview's answer are shared with
GraphQL: gateway/agent/settings.py, gateway/agent/preview.py."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as kpb
from gateway.agent.preview import OUTCOMES, ListingIn, Outcome
from gateway.agent.settings import STRICT
from gateway.schemas import PageOut
from services.kernel.timestamps import to_datetime

_KINDS = {kpb.DOCUMENT_KIND_TEXT: "text", kpb.DOCUMENT_KIND_MARKDOWN: "markdown",
          kpb.DOCUMENT_KIND_FAQ_CSV: "faq_csv", kpb.DOCUMENT_KIND_DOCX: "docx",
          kpb.DOCUMENT_KIND_XLSX: "xlsx", kpb.DOCUMENT_KIND_PDF: "pdf",
          kpb.DOCUMENT_KIND_LISTING: "listing"}
_STATUSES = {kpb.DOCUMENT_STATUS_INDEXING: "indexing", kpb.DOCUMENT_STATUS_INDEXED: "indexed",
             kpb.DOCUMENT_STATUS_FAILED: "failed"}
_CHUNK_KINDS = {kpb.CHUNK_KIND_FAQ: "faq", kpb.CHUNK_KIND_TEXT: "text",
                kpb.CHUNK_KIND_LISTING: "listing"}


# --- the agent ---------------------------------------------------------------------------


class PreviewIn(BaseModel):
    model_config = STRICT
    question: str = Field(min_length=1, max_length=4000)
    channel_id: str | None = None
    listing: ListingIn | None = None


class ModelUsageOut(BaseModel):
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_estimate: float


class UsageOut(BaseModel):
    replies: int
    handoffs: int
    skipped: int
    previews: int
    prompt_tokens: int
    completion_tokens: int
    cost_estimate: float = Field(description="USD, from the per-model price table")
    by_model: list[ModelUsageOut]
    from_: datetime | None = Field(alias="from", serialization_alias="from")
    to: datetime | None

    @classmethod
    def from_proto(cls, u: pb.GetUsageResponse) -> UsageOut:
        return cls.model_validate({
            "replies": u.replies, "handoffs": u.handoffs, "skipped": u.skipped,
            "previews": u.previews, "prompt_tokens": u.prompt_tokens,
            "completion_tokens": u.completion_tokens, "cost_estimate": u.cost_estimate,
            "by_model": [ModelUsageOut(model=m.model, prompt_tokens=m.prompt_tokens,
                                       completion_tokens=m.completion_tokens,
                                       cost_estimate=m.cost_estimate) for m in u.by_model],
            "from": to_datetime(getattr(u, "from")), "to": to_datetime(u.to)})


class AuditOut(BaseModel):
    id: str
    conversation_id: str | None
    channel_id: str | None
    outcome: Outcome
    reason: str
    input_message_ids: list[str]
    chunk_ids: list[str]
    mode: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    cost_estimate: float
    reply_message_id: str | None
    preview: bool
    created_at: datetime | None

    @classmethod
    def from_proto(cls, a: pb.AuditEntry) -> AuditOut:
        return cls(id=a.id, conversation_id=a.conversation_id or None,
                   channel_id=a.channel_id or None, outcome=OUTCOMES[a.outcome],  # type: ignore[arg-type]
                   reason=a.reason, input_message_ids=list(a.input_message_ids),
                   chunk_ids=list(a.chunk_ids), mode=a.mode, model=a.model,
                   prompt_tokens=a.prompt_tokens, completion_tokens=a.completion_tokens,
                   latency_ms=a.latency_ms, cost_estimate=a.cost_estimate,
                   reply_message_id=a.reply_message_id or None, preview=a.preview,
                   created_at=to_datetime(a.created_at))


class AuditList(BaseModel):
    items: list[AuditOut]
    page: PageOut


# --- the knowledge base ------------------------------------------------------------------


class DocumentOut(BaseModel):
    id: str
    name: str
    mime_type: str
    kind: Literal["text", "markdown", "faq_csv", "docx", "xlsx", "pdf", "listing"]
    status: Literal["indexing", "indexed", "failed"] = Field(
        description="indexing: a re-index is under way; failed: see `error` (full-text search "
                    "still finds the chunks it has)")
    error: str | None
    chunk_count: int
    size_bytes: int
    sha256: str
    source_ref: str | None = Field(description="e.g. listing:<channel_id>:<item_id>")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, d: kpb.KnowledgeDocument) -> DocumentOut:
        return cls(id=d.id, name=d.name, mime_type=d.mime_type, kind=_KINDS[d.kind],  # type: ignore[arg-type]
                   status=_STATUSES[d.status], error=d.error or None,  # type: ignore[arg-type]
                   chunk_count=d.chunk_count, size_bytes=d.size_bytes, sha256=d.sha256,
                   source_ref=d.source_ref or None, created_at=to_datetime(d.created_at),
                   updated_at=to_datetime(d.updated_at))


class DocumentResultOut(BaseModel):
    name: str
    outcome: Literal["created", "replaced", "rejected"] = Field(
        description="replaced: the same content was uploaded before; rejected: nothing kept")
    document: DocumentOut | None
    error: str | None

    @classmethod
    def from_proto(cls, r: kpb.DocumentResult) -> DocumentResultOut:
        if r.HasField("document"):
            return cls(name=r.name, outcome="replaced" if r.replaced else "created",
                       document=DocumentOut.from_proto(r.document), error=r.document.error or None)
        return cls(name=r.name, outcome="rejected", document=None, error=r.error)


class UploadOut(BaseModel):
    results: list[DocumentResultOut] = Field(description="One per file, in the order sent")
    stored: int
    rejected: int


class DocumentList(BaseModel):
    items: list[DocumentOut]
    page: PageOut


class ReindexIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(default_factory=list, max_length=1000,
                           description="Documents to re-index; empty or absent: all of them")


class ReindexOut(BaseModel):
    results: list[DocumentResultOut]


class HitOut(BaseModel):
    chunk_id: str
    document_id: str
    document_name: str
    kind: Literal["faq", "text", "listing"]
    text: str
    question: str | None
    answer: str | None
    score: float = Field(description="0..1, comparable with the agent's FAQ match threshold")

    @classmethod
    def from_proto(cls, h: kpb.KnowledgeHit) -> HitOut:
        return cls(chunk_id=h.chunk_id, document_id=h.document_id, document_name=h.document_name,
                   kind=_CHUNK_KINDS[h.kind], text=h.text, question=h.question or None,  # type: ignore[arg-type]
                   answer=h.answer or None, score=h.score)


class SearchOut(BaseModel):
    query: str
    hits: list[HitOut]


# --- the seller's synonyms ---------------------------------------------------------------


class SynonymGroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The service checks the rules (2..20 words of 1..60 characters) and names what is wrong;
    # the edge only bounds the body.
    words: list[str] = Field(max_length=100, description=(
        "2 to 20 words or short phrases (1..60 characters) that mean the same in this shop; "
        "stored lower-case"))


class SynonymGroupOut(BaseModel):
    id: str
    words: list[str]
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, g: kpb.SynonymGroup) -> SynonymGroupOut:
        return cls(id=g.id, words=list(g.words), created_at=to_datetime(g.created_at),
                   updated_at=to_datetime(g.updated_at))


class SynonymGroupList(BaseModel):
    items: list[SynonymGroupOut]
