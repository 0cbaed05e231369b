"""The agent's settings as both APIs show and change them: one shape, one validation, and the
patch as an UpdateSettings request (REST's `PUT /v1/agent/settings` and GraphQL's
`updateAgentSettings` go through the same rules)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from gateway.schemas import Int32
from services.kernel.errors import InvalidArgument

OutsideHours = Literal["HOLD_UNTIL_OPEN", "REPLY_ANYWAY", "HANDOFF"]
STRICT = ConfigDict(extra="forbid")
# Groups whose own fields are patched one by one (field paths "limits.max_reply_chars").
_NESTED = ("handoff", "limits")


class DayHours(BaseModel):
    model_config = STRICT
    weekday: int = Field(ge=1, le=7, description="1 = Monday ... 7 = Sunday")
    open: str = Field(pattern=r"^\d\d:\d\d$", examples=["09:00"])
    close: str = Field(pattern=r"^\d\d:\d\d$", examples=["21:00"])


class BusinessHours(BaseModel):
    model_config = STRICT
    time_zone: str = Field(default="Europe/Moscow", examples=["Europe/Moscow"])
    days: list[DayHours] = Field(default_factory=list, description="Empty: always open")


class HandoffRules(BaseModel):
    model_config = STRICT
    keywords: list[str] | None = Field(default=None, max_length=50)
    low_confidence_limit: Int32 | None = None


class Limits(BaseModel):
    model_config = STRICT
    replies_per_conversation_per_hour: Int32 | None = None
    max_reply_chars: Int32 | None = None
    context_messages: Int32 | None = None
    max_prompt_tokens: Int32 | None = None


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

    model_config = STRICT
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
    silence_window_s: Int32 | None = None
    max_wait_s: Int32 | None = None
    human_reply_takes_over: bool | None = None
    reset: list[str] = Field(default_factory=list, description=(
        "Field paths to remove from this level, e.g. [\"limits.max_reply_chars\"]"))


def update_request(body: AgentSettingsPatch, channel_id: str) -> pb.UpdateSettingsRequest:
    """The patch as UpdateSettings: field paths of what is present (nested ones dotted)."""
    present = body.model_fields_set - {"reset"}
    for name in present:
        if getattr(body, name) is None:
            raise InvalidArgument(f"{name} cannot be null (use `reset` to inherit it again)")
    paths = sorted(present - set(_NESTED))
    for group in _NESTED:
        if group in present:
            nested = getattr(body, group)
            paths += [f"{group}.{f}" for f in sorted(nested.model_fields_set)]
    data = body.model_dump(exclude={"reset", "api_key"}, exclude_none=True)
    if "outside_hours" in data:
        data["outside_hours"] = f"OUTSIDE_HOURS_{data['outside_hours']}"
    return pb.UpdateSettingsRequest(channel_id=channel_id, update_fields=paths,
                                    settings=pb.AgentSettings(**data), api_key=body.api_key or "",
                                    reset_fields=body.reset)
