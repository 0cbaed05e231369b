"""REST: the AI agent — settings (tenant level and per-channel overrides), preview, usage, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from gateway.auth import AUTH_PROBLEMS, Admin, Reader, problem_responses
from gateway.errors import ProblemError
from gateway.rest.agent_schemas import (
    AgentSettingsPatch,
    AgentSettingsView,
    AuditList,
    AuditOut,
    ListingIn,
    PreviewIn,
    PreviewOut,
    UsageOut,
)
from gateway.rest.schemas import PageOut
from gateway.state import GatewayState, get_state

router = APIRouter(prefix="/agent", tags=["agent"])
State = Annotated[GatewayState, Depends(get_state)]
ChannelParam = Annotated[str, Query(description="A channel account id: its override level")]
_ERRORS = {**AUTH_PROBLEMS, **problem_responses(404, 422)}
_NESTED = ("handoff", "limits")


@router.get("/settings", response_model=AgentSettingsView, responses=_ERRORS)
async def get_settings(principal: Reader, state: State, channel_id: ChannelParam = "") -> AgentSettingsView:
    """The effective settings, and the tenant and channel levels they come from."""
    return AgentSettingsView.from_proto(
        await state.agent.get_settings(principal.tenant_id, channel_id))


@router.put("/settings", response_model=AgentSettingsView, responses=_ERRORS)
async def update_settings(body: AgentSettingsPatch, principal: Admin, state: State,
                          channel_id: ChannelParam = "") -> AgentSettingsView:
    """Change the fields present in the body at the tenant level, or at a channel's level with
    `channel_id`; `reset` lists fields that inherit again. The API key is never returned."""
    return AgentSettingsView.from_proto(await state.agent.update_settings(
        principal.tenant_id, update_request(body, channel_id)))


@router.post("/preview", response_model=PreviewOut, responses=_ERRORS)
async def preview(body: PreviewIn, principal: Reader, state: State) -> PreviewOut:
    """What the agent would answer (or whether it would hand over): nothing is sent."""
    return PreviewOut.from_proto(await state.agent.preview(
        principal.tenant_id, body.question, channel_id=body.channel_id or "",
        listing=listing_proto(body.listing)))


@router.get("/usage", response_model=UsageOut, responses=_ERRORS)
async def usage(principal: Reader, state: State,
                from_: Annotated[datetime | None, Query(alias="from")] = None,
                to: datetime | None = None) -> UsageOut:
    """Totals of automatic replies, handoffs, tokens and the cost estimate (default: 30 days)."""
    return UsageOut.from_proto(await state.agent.get_usage(principal.tenant_id, from_, to))


@router.get("/audit", response_model=AuditList, responses=_ERRORS)
async def audit(principal: Reader, state: State, conversation_id: str = "",
                limit: Annotated[int, Query(ge=1, le=100)] = 50, cursor: str = "") -> AuditList:
    """What the agent did, newest first: inputs, knowledge used, model, tokens, latency, cost."""
    resp = await state.agent.list_audit(principal.tenant_id, conversation_id=conversation_id,
                                        page_size=limit, cursor=cursor)
    return AuditList(items=[AuditOut.from_proto(e) for e in resp.entries],
                     page=PageOut(next_cursor=resp.page_info.next_cursor or None,
                                  has_more=resp.page_info.has_more))


def update_request(body: AgentSettingsPatch, channel_id: str) -> pb.UpdateSettingsRequest:
    """The patch as UpdateSettings: field paths of what is present (nested ones dotted)."""
    present = body.model_fields_set - {"reset"}
    for name in present:
        if getattr(body, name) is None:
            raise ProblemError(422, f"{name} cannot be null (use `reset` to inherit it again)")
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


def listing_proto(listing: ListingIn | None) -> common.Listing | None:
    if listing is None:
        return None
    return common.Listing(title=listing.title, url=listing.url, price_minor=listing.price_minor or 0,
                          has_price=listing.price_minor is not None)
