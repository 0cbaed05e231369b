"""REST: channel accounts (connect Avito, list, get)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from gateway.auth import Admin, Reader, Writer
from gateway.errors import ProblemError
from gateway.rest.schemas import ChannelList, ChannelOut, PageOut
from gateway.state import GatewayState, get_state

router = APIRouter(prefix="/channels", tags=["channels"])
State = Annotated[GatewayState, Depends(get_state)]


class ConnectAvito(BaseModel):
    name: str = Field(min_length=1, max_length=255, description="Your name for this shop")
    client_id: str = Field(min_length=1, max_length=255)
    client_secret: str = Field(min_length=1, max_length=255)
    signing_secret: str = Field(default="", max_length=255,
                                description="Optional HMAC key for X-Avito-Messenger-Signature")
    subscribe_webhook: bool = True
    sandbox: bool = Field(default=False, description="Connect to the Avito emulator (sandbox mode)")


@router.post("/avito", status_code=201, response_model=ChannelOut,
             responses={409: {"description": "This Avito account is already connected"},
                        422: {"description": "Avito rejected the credentials"}})
async def connect_avito(body: ConnectAvito, principal: Admin, state: State) -> ChannelOut:
    """Validate the credentials with Avito, store them encrypted and subscribe the webhook.

    The response's `webhook_url` is shown in full only here."""
    base_url = sandbox_api_url(state, body.sandbox)
    channel = await state.channels.connect_avito_account(principal.tenant_id, pb.ConnectAvitoAccountRequest(
        name=body.name, client_id=body.client_id, client_secret=body.client_secret,
        signing_secret=body.signing_secret, api_base_url=base_url,
        public_base_url=state.settings.public_base_url, subscribe_webhook=body.subscribe_webhook))
    return ChannelOut.from_proto(channel)


def sandbox_api_url(state: GatewayState, sandbox: bool) -> str:
    """The Avito emulator's URL for a sandbox account; "" (the real Avito) otherwise."""
    if not sandbox:
        return ""
    if not state.settings.avito_sandbox_url:
        raise ProblemError(422, "sandbox mode is not available on this installation")
    return state.settings.avito_sandbox_url


@router.get("", response_model=ChannelList)
async def list_channels(principal: Reader, state: State,
                        limit: Annotated[int, Query(ge=1, le=100)] = 50,
                        cursor: str = "") -> ChannelList:
    resp = await state.channels.list_channels(principal.tenant_id, page_size=limit, cursor=cursor)
    return ChannelList(items=[ChannelOut.from_proto(c) for c in resp.channels],
                       page=PageOut(next_cursor=resp.page_info.next_cursor or None,
                                    has_more=resp.page_info.has_more))


@router.get("/{channel_id}", response_model=ChannelOut, responses={404: {"description": "Not found"}})
async def get_channel(channel_id: str, principal: Reader, state: State) -> ChannelOut:
    return ChannelOut.from_proto(await state.channels.get_channel(principal.tenant_id, channel_id))


class SyncScheduled(BaseModel):
    scheduled_for: datetime = Field(description="When the sync is due (now): it starts within "
                                                "seconds and imports what webhooks missed")


@router.post("/{channel_id}/sync", status_code=202, response_model=SyncScheduled,
             responses={404: {"description": "Not found"},
                        409: {"description": "The channel is disconnected"}})
async def sync_channel(channel_id: str, principal: Writer, state: State) -> SyncScheduled:
    """Reconcile now: fetch the chats updated since the last sync and import their messages."""
    resp = await state.channels.sync_channel(principal.tenant_id, channel_id)
    return SyncScheduled(scheduled_for=resp.scheduled_for.ToDatetime(tzinfo=UTC))
