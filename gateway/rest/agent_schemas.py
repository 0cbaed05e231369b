"""REST representations of the agent's settings, preview, usage and audit (from the protos)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from gateway.rest.schemas import PageOut

OutsideHours = Literal["HOLD_UNTIL_OPEN", "REPLY_ANYWAY", "HANDOFF"]
Outcome = Literal["reply", "handoff", "skipped"]
_OUTCOMES = {pb.OUTCOME_REPLY: "reply", pb.OUTCOME_HANDOFF: "handoff", pb.OUTCOME_SKIPPED: "skipped"}
_STRICT = ConfigDict(extra="forbid")


def _time(ts: Timestamp) -> datetime | None:
    return ts.ToDatetime(tzinfo=UTC) if ts.seconds or ts.nanos else None


class DayHours(BaseModel):
    model_config = _STRICT
    weekday: int = Field(ge=1, le=7, description="1 = Monday ... 7 = Sunday")
    open: str = Field(pattern=r"^\d\d:\d\d$", examples=["09:00"])
    close: str = Field(pattern=r"^\d\d:\d\d$", examples=["21:00"])


class BusinessHours(BaseModel):
    model_config = _STRICT
    time_zone: str = Field(default="Europe/Moscow", examples=["Europe/Moscow"])
    days: list[DayHours] = Field(default_factory=list, description="Empty: always open")


class HandoffRules(BaseModel):
    model_config = _STRICT
    keywords: list[str] | None = Field(default=None, max_length=50)
    low_confidence_limit: int | None = None


class Limits(BaseModel):
    model_config = _STRICT
    replies_per_conversation_per_hour: int | None = None
    max_reply_chars: int | None = None
    context_messages: int | None = None
    max_prompt_tokens: int | None = None


class AgentSettingsOut(BaseModel):
    enabled: bool
    instructions: str
    model: str
    base_url: str
    api_key_set: bool = Field(description="The key itself is write-only")
    temperature: float
    reply_language: str
    business_hours: BusinessHours
    outside_hours: OutsideHours
    handoff: HandoffRules
    limits: Limits
    embeddings_model: str
    faq_match_threshold: float
    silence_window_s: int
    max_wait_s: int
    human_reply_takes_over: bool

    @classmethod
    def from_proto(cls, s: pb.AgentSettings) -> AgentSettingsOut:
        return cls(
            enabled=s.enabled, instructions=s.instructions, model=s.model, base_url=s.base_url,
            api_key_set=s.api_key_set, temperature=round(s.temperature, 4),
            reply_language=s.reply_language,
            business_hours=BusinessHours(time_zone=s.business_hours.time_zone, days=[
                DayHours(weekday=d.weekday, open=d.open, close=d.close)
                for d in s.business_hours.days]),
            outside_hours=pb.OutsideHours.Name(s.outside_hours).removeprefix("OUTSIDE_HOURS_"),  # type: ignore[arg-type]
            handoff=HandoffRules(keywords=list(s.handoff.keywords),
                                 low_confidence_limit=s.handoff.low_confidence_limit),
            limits=Limits(**{f: getattr(s.limits, f) for f in Limits.model_fields}),
            embeddings_model=s.embeddings_model,
            faq_match_threshold=round(s.faq_match_threshold, 4),
            silence_window_s=s.silence_window_s, max_wait_s=s.max_wait_s,
            human_reply_takes_over=s.human_reply_takes_over)


class AgentSettingsView(BaseModel):
    effective: AgentSettingsOut = Field(description="What the agent uses (for channel_id, if given)")
    tenant: AgentSettingsOut
    channel_override: AgentSettingsOut | None = Field(
        description="The channel's level: only `overridden_fields` are its own")
    overridden_fields: list[str]
    channel_id: str | None

    @classmethod
    def from_proto(cls, v: pb.GetSettingsResponse) -> AgentSettingsView:
        return cls(effective=AgentSettingsOut.from_proto(v.effective),
                   tenant=AgentSettingsOut.from_proto(v.tenant),
                   channel_override=AgentSettingsOut.from_proto(v.channel_override)
                   if v.channel_id else None,
                   overridden_fields=list(v.overridden_fields), channel_id=v.channel_id or None)


class AgentSettingsPatch(BaseModel):
    """Only the fields present change; `reset` makes fields inherit again."""

    model_config = _STRICT
    enabled: bool | None = None
    instructions: str | None = Field(default=None, max_length=8000)
    model: str | None = Field(default=None, max_length=200)
    base_url: str | None = Field(default=None, max_length=500)
    api_key: str | None = Field(default=None, max_length=500,
                                description="Write-only; stored encrypted. \"\" clears it.")
    temperature: float | None = None
    reply_language: str | None = None
    business_hours: BusinessHours | None = None
    outside_hours: OutsideHours | None = None
    handoff: HandoffRules | None = None
    limits: Limits | None = None
    embeddings_model: str | None = Field(default=None, max_length=200)
    faq_match_threshold: float | None = None
    silence_window_s: int | None = None
    max_wait_s: int | None = None
    human_reply_takes_over: bool | None = None
    reset: list[str] = Field(default_factory=list, description=(
        "Field paths to remove from this level, e.g. [\"limits.max_reply_chars\"]"))


class ListingIn(BaseModel):
    model_config = _STRICT
    title: str = Field(default="", max_length=512)
    price_minor: int | None = Field(default=None, ge=0, description="Price in kopecks")
    url: str = Field(default="", max_length=2000)


class PreviewIn(BaseModel):
    model_config = _STRICT
    question: str = Field(min_length=1, max_length=4000)
    channel_id: str | None = None
    listing: ListingIn | None = None


class UsedChunkOut(BaseModel):
    chunk_id: str
    document_id: str
    kind: str
    text: str
    score: float


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

    @classmethod
    def from_proto(cls, p: pb.PreviewResponse) -> PreviewOut:
        return cls(outcome=_OUTCOMES[p.outcome], reply=p.reply, reason=p.reason,  # type: ignore[arg-type]
                   chunks=[UsedChunkOut(chunk_id=c.chunk_id, document_id=c.document_id,
                                        kind=c.kind, text=c.text, score=c.score) for c in p.chunks],
                   mode=p.mode, model=p.model, prompt_tokens=p.prompt_tokens,
                   completion_tokens=p.completion_tokens, latency_ms=p.latency_ms,
                   cost_estimate=p.cost_estimate, audit_id=p.audit_id)


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
            "from": _time(getattr(u, "from")), "to": _time(u.to)})


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
                   channel_id=a.channel_id or None, outcome=_OUTCOMES[a.outcome],  # type: ignore[arg-type]
                   reason=a.reason, input_message_ids=list(a.input_message_ids),
                   chunk_ids=list(a.chunk_ids), mode=a.mode, model=a.model,
                   prompt_tokens=a.prompt_tokens, completion_tokens=a.completion_tokens,
                   latency_ms=a.latency_ms, cost_estimate=a.cost_estimate,
                   reply_message_id=a.reply_message_id or None, preview=a.preview,
                   created_at=_time(a.created_at))


class AuditList(BaseModel):
    items: list[AuditOut]
    page: PageOut
