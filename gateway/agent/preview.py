"""The agent's dry run as both APIs ask for it and show it: the listing a question is about,
and what the agent would do (nothing is sent)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from gateway.agent.settings import STRICT
from gateway.schemas import Int64

Outcome = Literal["reply", "handoff", "skipped"]
OUTCOMES = {pb.OUTCOME_REPLY: "reply", pb.OUTCOME_HANDOFF: "handoff", pb.OUTCOME_SKIPPED: "skipped"}


class ListingIn(BaseModel):
    model_config = STRICT
    title: str = Field(default="", max_length=512)
    price_minor: Int64 | None = Field(default=None, ge=0, description="Price in kopecks")
    url: str = Field(default="", max_length=2000)


def listing_proto(listing: ListingIn | None) -> common.Listing | None:
    if listing is None:
        return None
    return common.Listing(title=listing.title, url=listing.url, price_minor=listing.price_minor or 0,
                          has_price=listing.price_minor is not None)


class UsedChunkOut(BaseModel):
    chunk_id: str
    document_id: str
    kind: str
    text: str
    score: float
    question: str = Field(description="FAQ entries only; empty otherwise")

    @classmethod
    def from_proto(cls, c: pb.UsedChunk) -> UsedChunkOut:
        return cls(chunk_id=c.chunk_id, document_id=c.document_id, kind=c.kind, text=c.text,
                   score=c.score, question=c.question)


class PreviewOut(BaseModel):
    outcome: Outcome
    reply: str
    reason: str
    chunks: list[UsedChunkOut]
    mode: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    cost_estimate: float
    audit_id: str
    reason_code: str = Field(description=(
        "Why, as a code: answered | no_match | below_threshold | no_margin | "
        "contradiction:<word> (FAQ mode); asked_for_human | low_confidence_streak | "
        "model_answered | model_handoff | model_failure | circuit_open. More may come: show "
        "`reason` for a code you do not know"))
    confidence: float | None = Field(description=(
        "0..1: how sure the agent is that the best FAQ entry answers; compared with "
        "`threshold`. null when no FAQ decision was made"))
    threshold: float
    candidates: list[UsedChunkOut] = Field(description="The entries weighed, best first")

    @classmethod
    def from_proto(cls, p: pb.PreviewResponse) -> PreviewOut:
        return cls(outcome=OUTCOMES[p.outcome], reply=p.reply, reason=p.reason,  # type: ignore[arg-type]
                   chunks=[UsedChunkOut.from_proto(c) for c in p.chunks],
                   mode=p.mode, model=p.model, prompt_tokens=p.prompt_tokens,
                   completion_tokens=p.completion_tokens, latency_ms=p.latency_ms,
                   cost_estimate=p.cost_estimate, audit_id=p.audit_id,
                   reason_code=p.reason_code, threshold=p.threshold,
                   confidence=p.confidence if p.HasField("confidence") else None,
                   candidates=[UsedChunkOut.from_proto(c) for c in p.candidates])
