"""The agent's health as REST and GraphQL show it (GraphQL's types are built from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from services.kernel.timestamps import to_datetime

_STATES = {pb.MODEL_STATE_UNKNOWN: "unknown", pb.MODEL_STATE_OK: "ok",
           pb.MODEL_STATE_FAILING: "failing"}


class ModelErrorOut(BaseModel):
    kind: Literal["auth", "model_not_found", "rate_limited", "unavailable", "empty_answer",
                  "circuit_open"] = Field(description=(
        "auth: the key was refused (401/403); model_not_found: 404; rate_limited: 429 (quota); "
        "unavailable: no connection, a timeout, a 5xx or another refusal; empty_answer; "
        "circuit_open: calls paused after failures in a row"))
    reason: str
    at: datetime | None


class AgentHealthOut(BaseModel):
    state: Literal["unknown", "ok", "failing"] = Field(description=(
        "failing: the latest `failure_threshold` model results of buyers' conversations all "
        "failed within the last `window_s`; unknown: no model result in that window"))
    consecutive_failures: int = Field(description="Failed model results since the last success")
    last_error: ModelErrorOut | None
    failing_since: datetime | None = Field(description="The first of the consecutive failures")
    last_success: datetime | None
    last_result_at: datetime | None
    handed_over_last_hour: int = Field(
        description="Conversations handed over to managers for a model failure in the last hour")
    enabled: bool
    model: str
    base_url_host: str | None = Field(description="host[:port] of the model endpoint, or null")
    failure_threshold: int
    window_s: int

    @classmethod
    def from_proto(cls, h: pb.GetAgentHealthResponse) -> AgentHealthOut:
        error = ModelErrorOut.model_validate({
            "kind": h.last_error.kind, "reason": h.last_error.reason,
            "at": to_datetime(h.last_error.at)}) if h.HasField("last_error") else None
        return cls.model_validate({
            "state": _STATES.get(h.state, "unknown"), "consecutive_failures": h.consecutive_failures,
            "last_error": error, "failing_since": to_datetime(h.failing_since),
            "last_success": to_datetime(h.last_success),
            "last_result_at": to_datetime(h.last_result_at),
            "handed_over_last_hour": h.handed_over_last_hour, "enabled": h.enabled,
            "model": h.model, "base_url_host": h.base_url_host or None,
            "failure_threshold": h.failure_threshold, "window_s": h.window_s})
