"""REST: the AI agent — settings (tenant level and per-channel overrides), preview, usage, audit,
health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gateway.agent.channels import require_channel
from gateway.agent.health import AgentHealthOut
from gateway.agent.preview import PreviewOut, listing_proto
from gateway.agent.schemas import AuditList, AuditOut, PreviewIn, UsageOut
from gateway.agent.settings import AgentSettingsPatch, AgentSettingsView, update_request
from gateway.auth import AUTH_PROBLEMS, Admin, Reader, Writer, problem_responses
from gateway.schemas import PageOut, Timestamp
from gateway.state import State

router = APIRouter(prefix="/agent", tags=["agent"])
ChannelParam = Annotated[str, Query(description=(
    "A channel account id of this tenant (404 otherwise): its override level"))]
_ERRORS = {**AUTH_PROBLEMS, **problem_responses(404, 422)}


@router.get("/settings", response_model=AgentSettingsView, responses=_ERRORS)
async def get_settings(principal: Reader, state: State, channel_id: ChannelParam = "") -> AgentSettingsView:
    """The effective settings, and the tenant and channel levels they come from."""
    await require_channel(state, principal.tenant_id, channel_id)
    return AgentSettingsView.from_proto(
        await state.agent.get_settings(principal.tenant_id, channel_id))


@router.put("/settings", response_model=AgentSettingsView, responses=_ERRORS)
async def update_settings(body: AgentSettingsPatch, principal: Admin, state: State,
                          channel_id: ChannelParam = "") -> AgentSettingsView:
    """Change the fields present in the body at the tenant level, or at a channel's level with
    `channel_id`; `reset` lists fields that inherit again. The API key is never returned."""
    request = update_request(body, channel_id)
    await require_channel(state, principal.tenant_id, channel_id)
    return AgentSettingsView.from_proto(await state.agent.update_settings(
        principal.tenant_id, request))


@router.post("/preview", response_model=PreviewOut, responses=_ERRORS)
async def preview(body: PreviewIn, principal: Writer, state: State) -> PreviewOut:
    """What the agent would answer (or whether it would hand over): nothing is sent to the buyer,
    but it calls your LLM (which you pay for) and writes an audit record, so it needs `write`."""
    await require_channel(state, principal.tenant_id, body.channel_id or "", in_body=True)
    return PreviewOut.from_proto(await state.agent.preview(
        principal.tenant_id, body.question, channel_id=body.channel_id or "",
        listing=listing_proto(body.listing)))


@router.get("/usage", response_model=UsageOut, responses=_ERRORS)
async def usage(principal: Reader, state: State,
                from_: Annotated[Timestamp | None, Query(alias="from")] = None,
                to: Timestamp | None = None) -> UsageOut:
    """Totals of automatic replies, handoffs, tokens and the cost estimate (default: 30 days)."""
    return UsageOut.from_proto(await state.agent.get_usage(principal.tenant_id, from_, to))


@router.get("/audit", response_model=AuditList, responses=_ERRORS)
async def audit(principal: Reader, state: State, conversation_id: str = "",
                limit: Annotated[int, Query(ge=1, le=100)] = 50, cursor: str = "") -> AuditList:
    """What the agent did, newest first: inputs, knowledge used, model, tokens, latency, cost."""
    resp = await state.agent.list_audit(principal.tenant_id, conversation_id=conversation_id,
                                        page_size=limit, cursor=cursor)
    return AuditList(items=[AuditOut.from_proto(e) for e in resp.entries],
                     page=PageOut.from_proto(resp.page_info))


@router.get("/health", response_model=AgentHealthOut, responses=_ERRORS)
async def health(principal: Reader, state: State) -> AgentHealthOut:
    """Whether the agent's model answers, from the audit of buyers' conversations (previews
    left out): `failing` when its latest results all failed within the window, with the last
    error (what failed, never the key) and how many conversations went to managers for it."""
    return AgentHealthOut.from_proto(await state.agent.get_health(principal.tenant_id))
