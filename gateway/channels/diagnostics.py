"""Channel diagnostics as the seller sees them: the channel's own checks (from the channels
service) plus whether the AI agent answers on it (from the agent service)."""

from __future__ import annotations

import uuid

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from gateway.state import GatewayState
from services.kernel.errors import DomainError


async def channel_diagnostics(state: GatewayState, tenant_id: uuid.UUID,
                              channel_id: str) -> channels_pb.GetChannelDiagnosticsResponse:
    resp = await state.channels.get_channel_diagnostics(tenant_id, channel_id)
    if resp.channel.status == channels_pb.CHANNEL_STATUS_ACTIVE:  # else reconnecting comes first
        resp.checks.append(await _agent_check(state, tenant_id, channel_id))
    return resp


async def _agent_check(state: GatewayState, tenant_id: uuid.UUID,
                       channel_id: str) -> channels_pb.DiagnosticCheck:
    try:
        settings = (await state.agent.get_settings(tenant_id, channel_id)).effective
    except DomainError as exc:  # diagnostics must still answer when the agent is down
        return channels_pb.DiagnosticCheck(
            name="ai_agent", ok=False, message=f"the agent service did not answer: {exc.message}",
            fix="retry in a minute; if it persists, check the agent service's health")
    if not settings.enabled:  # a choice, not a fault: reported, not failed
        return channels_pb.DiagnosticCheck(
            name="ai_agent", ok=True,
            message="the AI agent is off: every buyer waits for a manager "
                    "(turn it on with PUT /v1/agent/settings {\"enabled\": true})")
    if settings.model and settings.base_url:
        message = f"the AI agent answers with {settings.model} at {settings.base_url}"
    else:
        message = ("the AI agent answers from the knowledge base's FAQ only (no model configured) "
                   "and hands everything else to managers")
    return channels_pb.DiagnosticCheck(name="ai_agent", ok=True, message=message)
