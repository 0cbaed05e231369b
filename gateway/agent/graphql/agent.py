"""The AI agent in GraphQL: settings (with per-channel overrides), a dry-run preview, health.

The shapes mirror REST's, built from the same models (gateway/agent/settings.py, preview.py);
an update goes through the same validation and field-path rules as `PUT /v1/agent/settings`.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import strawberry
from pydantic import ValidationError

from gateway.agent.channels import require_channel
from gateway.agent.health import AgentHealthOut
from gateway.agent.preview import ListingIn, PreviewOut, UsedChunkOut, listing_proto
from gateway.agent.settings import (
    AgentSettingsOut,
    AgentSettingsPatch,
    AgentSettingsView,
    update_request,
)
from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input, invalid_input
from services.kernel.errors import InvalidArgument


@strawberry.type
class AgentDayHours:
    weekday: int
    open: str
    close: str


@strawberry.type
class AgentBusinessHours:
    time_zone: str
    days: list[AgentDayHours]


@strawberry.type
class AgentHandoffRules:
    keywords: list[str]
    low_confidence_limit: int


@strawberry.type
class AgentLimits:
    replies_per_conversation_per_hour: int
    max_reply_chars: int
    context_messages: int
    max_prompt_tokens: int


@strawberry.type(description="The agent's settings; the API key itself is never returned")
class AgentSettings:
    enabled: bool
    instructions: str
    model: str
    base_url: str
    api_key_set: bool
    temperature: float
    reply_language: str
    business_hours: AgentBusinessHours
    outside_hours: str = strawberry.field(description="HOLD_UNTIL_OPEN | REPLY_ANYWAY | HANDOFF")
    handoff: AgentHandoffRules
    limits: AgentLimits
    embeddings_model: str
    faq_match_threshold: float
    silence_window_s: int
    max_wait_s: int
    human_reply_takes_over: bool

    @classmethod
    def from_out(cls, s: AgentSettingsOut) -> AgentSettings:
        data = s.model_dump()
        return cls(**{**data,
                      "business_hours": AgentBusinessHours(
                          time_zone=s.business_hours.time_zone,
                          days=[AgentDayHours(**d.model_dump()) for d in s.business_hours.days]),
                      "handoff": AgentHandoffRules(**data["handoff"]),
                      "limits": AgentLimits(**data["limits"])})


@strawberry.type
class AgentSettingsLevels:
    effective: AgentSettings
    tenant: AgentSettings
    channel_override: AgentSettings | None
    overridden_fields: list[str]
    channel_id: strawberry.ID | None

    @classmethod
    def from_view(cls, v: AgentSettingsView) -> AgentSettingsLevels:
        return cls(effective=AgentSettings.from_out(v.effective),
                   tenant=AgentSettings.from_out(v.tenant),
                   channel_override=AgentSettings.from_out(v.channel_override)
                   if v.channel_override else None,
                   overridden_fields=v.overridden_fields,
                   channel_id=strawberry.ID(v.channel_id) if v.channel_id else None)


@strawberry.type
class AgentChunk:
    chunk_id: strawberry.ID
    document_id: strawberry.ID
    kind: str
    text: str
    question: str = strawberry.field(description="FAQ entries only; empty otherwise")
    score: float

    @classmethod
    def from_out(cls, c: UsedChunkOut) -> AgentChunk:
        return cls(chunk_id=strawberry.ID(c.chunk_id), document_id=strawberry.ID(c.document_id),
                   kind=c.kind, text=c.text, question=c.question, score=c.score)


@strawberry.type(description="What the agent would do with a question; nothing was sent")
class AgentPreview:
    outcome: str = strawberry.field(description="reply | handoff")
    reply: str
    reason: str
    mode: str
    model: str
    chunks: list[AgentChunk]
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    cost_estimate: float
    reason_code: str = strawberry.field(description=(
        "answered | no_match | below_threshold | no_margin | contradiction:<word> | "
        "asked_for_human | low_confidence_streak | model_answered | model_handoff | "
        "model_failure | circuit_open; more may come (show `reason` then)"))
    confidence: float | None = strawberry.field(description=(
        "0..1, compared with `threshold`; null when no FAQ decision was made"))
    threshold: float
    candidates: list[AgentChunk] = strawberry.field(description="The entries weighed, best first")


@strawberry.type
class AgentModelError:
    kind: str = strawberry.field(description=(
        "auth | model_not_found | rate_limited | unavailable | empty_answer | circuit_open"))
    reason: str
    at: datetime | None


@strawberry.type(description="Whether the agent's model answers, from the audit (REST: "
                             "GET /v1/agent/health)")
class AgentHealth:
    state: str = strawberry.field(description="ok | failing | unknown")
    consecutive_failures: int
    last_error: AgentModelError | None
    failing_since: datetime | None
    last_success: datetime | None
    last_result_at: datetime | None
    handed_over_last_hour: int
    enabled: bool
    model: str
    base_url_host: str | None
    failure_threshold: int
    window_s: int

    @classmethod
    def from_out(cls, h: AgentHealthOut) -> AgentHealth:
        return cls(**{**h.model_dump(exclude={"last_error"}), "last_error": AgentModelError(
            **h.last_error.model_dump()) if h.last_error else None})


@strawberry.input
class AgentDayHoursInput:
    weekday: int
    open: str
    close: str


@strawberry.input
class AgentBusinessHoursInput:
    time_zone: str = "Europe/Moscow"
    days: list[AgentDayHoursInput] = strawberry.field(default_factory=list)


@strawberry.input
class AgentHandoffInput:
    keywords: list[str] | None = strawberry.UNSET
    low_confidence_limit: int | None = strawberry.UNSET


@strawberry.input
class AgentLimitsInput:
    replies_per_conversation_per_hour: int | None = strawberry.UNSET
    max_reply_chars: int | None = strawberry.UNSET
    context_messages: int | None = strawberry.UNSET
    max_prompt_tokens: int | None = strawberry.UNSET


@strawberry.input(description="Only the fields given change; `reset` makes fields inherit again")
class UpdateAgentSettingsInput:
    channel_id: strawberry.ID | None = None
    enabled: bool | None = strawberry.UNSET
    instructions: str | None = strawberry.UNSET
    model: str | None = strawberry.UNSET
    base_url: str | None = strawberry.UNSET
    api_key: str | None = strawberry.field(default=strawberry.UNSET,
                                           description="Write-only; \"\" clears it")
    temperature: float | None = strawberry.UNSET
    reply_language: str | None = strawberry.UNSET
    business_hours: AgentBusinessHoursInput | None = strawberry.UNSET
    outside_hours: str | None = strawberry.UNSET
    handoff: AgentHandoffInput | None = strawberry.UNSET
    limits: AgentLimitsInput | None = strawberry.UNSET
    embeddings_model: str | None = strawberry.UNSET
    faq_match_threshold: float | None = strawberry.UNSET
    silence_window_s: int | None = strawberry.UNSET
    max_wait_s: int | None = strawberry.UNSET
    human_reply_takes_over: bool | None = strawberry.UNSET
    reset: list[str] = strawberry.field(default_factory=list)


@strawberry.type
class AgentQuery:
    @strawberry.field(description="The agent's settings: effective, tenant level, channel override")
    async def agent_settings(self, info: Info,
                             channel_id: strawberry.ID | None = None) -> AgentSettingsLevels:
        tenant_id = info.context.require("read").tenant_id
        await require_channel(info.context.state, tenant_id, channel_id or "")
        resp = await info.context.state.agent.get_settings(tenant_id, channel_id or "")
        return AgentSettingsLevels.from_view(AgentSettingsView.from_proto(resp))

    @strawberry.field(description="Whether the agent's model answers (ok | failing | unknown)")
    async def agent_health(self, info: Info) -> AgentHealth:
        tenant_id = info.context.require("read").tenant_id
        return AgentHealth.from_out(AgentHealthOut.from_proto(
            await info.context.state.agent.get_health(tenant_id)))

    @strawberry.field(description=(
        "Answer a test question with the agent's pipeline; sends nothing to the buyer, but "
        "calls your LLM (which you pay for) and writes an audit record, so it needs write"))
    async def agent_preview(self, info: Info, question: str,
                            channel_id: strawberry.ID | None = None,
                            listing_title: str | None = None) -> AgentPreview:
        tenant_id = info.context.require("write").tenant_id
        if not question.strip() or len(question) > 4000:
            raise bad_input("question must be 1 to 4000 characters")
        try:
            listing = listing_proto(ListingIn(title=listing_title)) if listing_title else None
        except ValidationError as exc:
            raise invalid_input(exc) from exc
        await require_channel(info.context.state, tenant_id, channel_id or "", in_body=True)
        out = PreviewOut.from_proto(await info.context.state.agent.preview(
            tenant_id, question, channel_id=channel_id or "", listing=listing))
        return AgentPreview(**{
            **out.model_dump(exclude={"chunks", "candidates", "audit_id"}),
            "chunks": [AgentChunk.from_out(c) for c in out.chunks],
            "candidates": [AgentChunk.from_out(c) for c in out.candidates]})


@strawberry.type
class AgentMutation:
    @strawberry.mutation(description="Change the agent's settings (admin)")
    async def update_agent_settings(self, info: Info,
                                    input: UpdateAgentSettingsInput) -> AgentSettingsLevels:
        tenant_id = info.context.require("admin").tenant_id
        data = _present(input)
        channel_id = data.pop("channel_id", None) or ""
        try:
            request = update_request(AgentSettingsPatch.model_validate(data), channel_id)
        except ValidationError as exc:
            raise invalid_input(exc) from exc
        except InvalidArgument as exc:
            raise bad_input(exc.message) from exc
        await require_channel(info.context.state, tenant_id, channel_id)
        resp = await info.context.state.agent.update_settings(tenant_id, request)
        return AgentSettingsLevels.from_view(AgentSettingsView.from_proto(resp))


def _present(value: Any) -> Any:
    """An input object as a dict of the fields given (UNSET ones left out), recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _present(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not strawberry.UNSET}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value
