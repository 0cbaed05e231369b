"""Helpers of the sync and listing tests: the emulator as the seller's Avito app, the sync
state as stored, what reached JetStream, and the fixtures that keep the scheduler's passes
exactly the ones a test asks for (no scheduling service runs rounds here, and conftest turns
sync_on_request off)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from services.channels.models import SyncState
from services.channels.runtime import ChannelsRuntime
from services.kernel.bus import Bus
from services.kernel.db import Database
from tests.services.channels.conftest import Avito, Listener


async def avito_token(avito: Avito, account: dict[str, Any]) -> str:
    resp = await avito.http.post("/token", data={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": account["client_secret"]})
    return str(resp.raise_for_status().json()["access_token"])


async def read_on_avito(avito: Avito, account: dict[str, Any], chat_id: str) -> None:
    """The seller reads a chat in Avito's own app (before connecting us)."""
    token = await avito_token(avito, account)
    resp = await avito.http.post(
        f"/messenger/v1/accounts/{account['user_id']}/chats/{chat_id}/read",
        headers={"Authorization": f"Bearer {token}"})
    resp.raise_for_status()


async def connect(channels: ChannelsClient, account: dict[str, Any],
                  tenant: uuid.UUID) -> pb.Channel:
    return await channels.connect_avito_account(tenant, pb.ConnectAvitoAccountRequest(
        name="Магазин", client_id=account["client_id"], client_secret=account["client_secret"]))


async def sync_row(db: Database, tenant: uuid.UUID, channel_id: str) -> SyncState:
    async with db.unit_of_work(tenant) as session:
        row = await session.scalar(select(SyncState).where(
            SyncState.channel_id == uuid.UUID(channel_id)))
    assert row is not None
    return row


async def stored_inbound(bus: Bus, tenant: uuid.UUID) -> int:
    """How many message.inbound of the tenant JetStream kept (duplicates are dropped)."""
    subject = f"sb.channels.{tenant}.message.inbound"
    info = await bus.js.stream_info("SB_CHANNELS", subjects_filter=subject)
    return int((info.state.subjects or {}).get(subject, 0))


def inbound_of(listener: Listener) -> list[ev.MessageInbound]:
    return [ev.MessageInbound.FromString(m.data) for m in listener.messages]


async def settle(listener: Listener) -> None:
    """`listener` has everything published before now: the passes these tests run have their
    publishes acked by JetStream before they return."""
    await listener.settled()


@pytest.fixture
def stop() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture(autouse=True)
async def nothing_due(runtime: ChannelsRuntime, stop: asyncio.Event) -> None:
    """Accounts earlier tests left due are synced first, so each test claims its own."""
    assert runtime.sync is not None
    while await runtime.sync.run_once(stop):
        pass
