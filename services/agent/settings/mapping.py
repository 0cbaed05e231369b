"""Settings values and views <-> protobuf messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from services.agent.settings.rules import API_KEY, OutsideHours, merged
from services.agent.settings.service import SettingsView
from services.kernel.errors import InvalidArgument

OUTSIDE_TO_PB = {o: getattr(pb, f"OUTSIDE_HOURS_{o.value}") for o in OutsideHours}
PB_TO_OUTSIDE = {v: k for k, v in OUTSIDE_TO_PB.items()}
_LIMITS = ("replies_per_conversation_per_hour", "max_reply_chars", "context_messages",
           "max_prompt_tokens")
_PLAIN = ("enabled", "instructions", "model", "base_url", "temperature", "reply_language",
          "embeddings_model", "faq_match_threshold", "silence_window_s", "max_wait_s",
          "human_reply_takes_over")


def settings_to_proto(values: Mapping[str, Any], api_key_set: bool) -> pb.AgentSettings:
    v = merged(values)
    hours = v["business_hours"]
    return pb.AgentSettings(
        **{name: v[name] for name in _PLAIN}, api_key_set=api_key_set,
        business_hours=pb.BusinessHours(time_zone=hours["time_zone"], days=[
            pb.DayHours(weekday=d["weekday"], open=d["open"], close=d["close"])
            for d in hours["days"]]),
        outside_hours=OUTSIDE_TO_PB[OutsideHours(v["outside_hours"])],
        handoff=pb.HandoffRules(keywords=v["handoff.keywords"],
                                low_confidence_limit=v["handoff.low_confidence_limit"]),
        limits=pb.Limits(**{name: v[f"limits.{name}"] for name in _LIMITS}))


def view_to_proto(view: SettingsView) -> pb.GetSettingsResponse:
    channel = view.channel
    return pb.GetSettingsResponse(
        effective=settings_to_proto(view.effective_values, view.effective_api_key_set),
        tenant=settings_to_proto(view.tenant.values, view.tenant.api_key_set),
        channel_override=settings_to_proto(channel.values, channel.api_key_set) if channel else None,
        overridden_fields=sorted(channel.values) if channel else [],
        channel_id=str(view.channel_id) if view.channel_id else "")


def values_from_proto(s: pb.AgentSettings, paths: Iterable[str]) -> dict[str, Any]:
    """The values of `paths` (settings field paths) taken from `s`; api_key is not among them."""
    values: dict[str, Any] = {}
    for path in paths:
        if path == API_KEY:
            continue
        values[path] = _value(s, path)
    return values


def _value(s: pb.AgentSettings, path: str) -> Any:
    if path in _PLAIN:
        return getattr(s, path)
    if path == "business_hours":
        return {"time_zone": s.business_hours.time_zone, "days": [
            {"weekday": d.weekday, "open": d.open, "close": d.close} for d in s.business_hours.days]}
    if path == "outside_hours":
        if s.outside_hours not in PB_TO_OUTSIDE:
            raise InvalidArgument("outside_hours must be HOLD_UNTIL_OPEN, REPLY_ANYWAY or HANDOFF")
        return PB_TO_OUTSIDE[s.outside_hours].value
    if path == "handoff.keywords":
        return list(s.handoff.keywords)
    if path == "handoff.low_confidence_limit":
        return s.handoff.low_confidence_limit
    if path.startswith("limits.") and path[len("limits."):] in _LIMITS:
        return getattr(s.limits, path[len("limits."):])
    raise InvalidArgument(f"unknown settings field {path!r}")
