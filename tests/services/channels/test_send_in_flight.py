"""A send Avito takes only after our client gave up on it (a timeout): the command's next
delivery must not send it again. The chat cannot show it yet, so the sender leaves the row to
its attempt's lease (`messaging/outbound.py`, `send_lease_s`) and checks the chat after."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from sqlalchemy import select

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from services.channels.config import ChannelsSettings
from services.channels.models import OutboundSend, SendStatus
from services.kernel.bus import Bus
from services.kernel.db import Database
from switchboard.emulators.avito import AvitoEmulatorSettings, create_app
from switchboard.http_server import BackgroundServer
from tests.fixtures.in_flight import InFlight
from tests.services.channels.conftest import Avito, Listener, eventually
from tests.services.channels.test_channels_events import send_requested, shop

TIMEOUT_S = 1.5  # our client's wait for Avito; the held send takes twice that


@pytest.fixture(scope="module")
async def in_flight() -> InFlight:
    return InFlight(create_app(AvitoEmulatorSettings()))


@pytest.fixture(scope="module")
async def avito(in_flight: InFlight) -> AsyncIterator[Avito]:
    async with BackgroundServer(in_flight) as server, \
            httpx.AsyncClient(base_url=server.url) as http:
        yield Avito(server.url, http)


@pytest.fixture(scope="module")
def channels_settings(channels_settings: ChannelsSettings) -> ChannelsSettings:
    return channels_settings.model_copy(update={"avito_timeout_s": TIMEOUT_S})


async def test_a_send_avito_takes_after_our_timeout_is_not_sent_again(
        channels: ChannelsClient, avito: Avito, in_flight: InFlight, stack_bus: Bus,
        stack_db: Database, tenant_a: uuid.UUID,
        listen: Callable[[str], Awaitable[Listener]]) -> None:
    channel, user_id, chat_id = await shop(channels, avito, tenant_a)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    await avito.latency("send", int(2 * TIMEOUT_S * 1000))
    message_id = await send_requested(stack_bus, tenant_a, channel.id, chat_id, "Один раз")
    # The lease of a one-part send: two calls (a token, the send) of 3 x (1.5 + 0.2) s.
    [delivery] = await delivered.wait(1, within_s=30)
    event = ev.MessageDelivery.FromString(delivery.data)

    async def settled() -> bool:  # the held send finished at the emulator
        return in_flight.count == 0
    await eventually(settled, 10)
    sent = await avito.sent(user_id)
    assert [s["text"] for s in sent] == ["Один раз"]
    assert event.outcome == ev.DELIVERY_OUTCOME_SENT
    assert event.external_message_id == sent[0]["message_id"]
    async with stack_db.unit_of_work(tenant_a) as session:
        row = await session.scalar(select(OutboundSend).where(
            OutboundSend.message_id == message_id))
    assert row is not None and (row.status, row.attempts) == (SendStatus.SENT, 2)
