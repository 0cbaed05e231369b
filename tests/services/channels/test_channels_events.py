"""The channels consumers end to end: real NATS, real PostgreSQL, real HTTP to the emulator.

webhook delivery -> message.inbound; send_requested -> Avito + message.delivery (idempotent,
retried, failed with a reason); conversation.read -> Avito read mark; poison -> dead letter.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from nats.js.api import PubAck
from sqlalchemy import select

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conv_ev
from clients.rpc.topics import CHANNELS_SENDER
from services.channels.config import ChannelsSettings
from services.channels.models import ChannelAccount, OutboundSend, SendStatus
from services.kernel.bus import Bus
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from tests.services.channels.bus_signals import drained
from tests.services.channels.conftest import (
    Avito,
    Listener,
    WebhookSink,
    connect_avito,
    eventually,
)

Listen = Callable[[str], Awaitable[Listener]]


async def publish(bus: Bus, subject: str, event: Any) -> PubAck:
    return await bus.publish(subject, event.SerializeToString(), msg_id=str(uuid.uuid4()))


async def send_requested(bus: Bus, tenant: uuid.UUID, channel_id: str, chat_id: str,
                         text: str, message_id: uuid.UUID | None = None) -> uuid.UUID:
    message_id = message_id or uuid.uuid4()
    await publish(bus, f"sb.conversations.{tenant}.message.send_requested",
                  conv_ev.MessageSendRequested(
                      message_id=str(message_id), conversation_id=str(uuid.uuid5(
                          uuid.NAMESPACE_URL, chat_id)), channel_id=channel_id,
                      external_chat_id=chat_id, text=text))
    return message_id


async def deliveries(listener: Listener, count: int = 1) -> list[ev.MessageDelivery]:
    return [ev.MessageDelivery.FromString(m.data) for m in await listener.wait(count)]


async def shop(channels: ChannelsClient, avito: Avito, tenant: uuid.UUID,
               **request: Any) -> tuple[pb.Channel, int, str]:
    """A connected channel and a chat a buyer opened on it."""
    channel, account = await connect_avito(channels, avito, tenant, **request)
    chat_id = (await avito.incoming(account["user_id"], text="Здравствуйте!"))["chat_id"]
    return channel, account["user_id"], chat_id


@pytest.mark.parametrize(("lane", "durable"), [
    ("received", "channels-webhooks"),
    ("overflow", "channels-webhooks-overflow"),  # a flooding tenant's excess: same outcome
])
async def test_webhook_delivery_becomes_message_inbound(
        channels: ChannelsClient, avito: Avito, webhook_sink: WebhookSink, stack_bus: Bus,
        tenant_a: uuid.UUID, listen: Listen, lane: str, durable: str) -> None:
    channel, account = await connect_avito(channels, avito, tenant_a, subscribe_webhook=True)
    inbound = await listen(f"sb.channels.{tenant_a}.message.inbound")
    written = await avito.incoming(account["user_id"], text="Диван ещё продаётся?",
                                   author_name="Иван")
    channel_id, token, body = await webhook_sink.wait_for(
        lambda b: written["message_id"].encode() in b)
    resolved = await channels.resolve_webhook(channel_id)  # what the gateway checks
    assert resolved.webhook_token_sha256 == hashlib.sha256(token.encode()).hexdigest()

    received = ev.WebhookReceived(channel_id=channel_id, kind=common.CHANNEL_KIND_AVITO,
                                  delivery_id=json.loads(body)["id"], body=body,
                                  received_at=Timestamp(seconds=1_700_000_000))
    subject = f"sb.webhooks.{tenant_a}.avito.{lane}"
    await publish(stack_bus, subject, received)
    [msg] = await inbound.wait(1)
    assert msg.headers and msg.headers["Nats-Msg-Id"] == \
        f"inbound:{channel.id}:{written['message_id']}"
    event = ev.MessageInbound.FromString(msg.data)
    message = event.message
    assert (message.channel_id, message.external_message_id) == (channel.id,
                                                                 written["message_id"])
    assert (message.external_chat_id, message.text) == (written["chat_id"],
                                                        "Диван ещё продаётся?")
    assert message.direction == common.DIRECTION_INBOUND
    assert message.external_user_id == str(written["author_id"])
    assert message.listing.external_id == str(account["items"][0]["id"])
    assert event.received_at.seconds == 1_700_000_000

    # The gateway may publish a delivery twice: JetStream keeps one inbound message.
    ack = await publish(stack_bus, subject, received)
    await drained(stack_bus, "SB_WEBHOOKS", durable, ack.seq)
    info = await stack_bus.js.stream_info("SB_CHANNELS",
                                          subjects_filter=f"sb.channels.{tenant_a}.message.inbound")
    assert info.state.subjects == {f"sb.channels.{tenant_a}.message.inbound": 1}


async def test_malformed_webhook_is_dead_lettered(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    channel, _ = await connect_avito(channels, avito, tenant_a)
    dead = await listen("sb.dlq.channels-webhooks")
    inbound = await listen(f"sb.channels.{tenant_a}.message.inbound")
    body = orjson.dumps({"id": "x", "payload": {"type": "message", "value": {"id": "m1"}}})
    ack = await publish(stack_bus, f"sb.webhooks.{tenant_a}.avito.received", ev.WebhookReceived(
        channel_id=channel.id, kind=common.CHANNEL_KIND_AVITO, delivery_id="x", body=body))
    [msg] = await dead.wait(1)
    assert ev.WebhookReceived.FromString(msg.data).body == body  # kept as it came
    assert msg.headers is not None
    assert "malformed Avito webhook" in msg.headers["Sb-Reason"]
    assert msg.headers["Sb-Original-Subject"] == f"sb.webhooks.{tenant_a}.avito.received"
    await drained(stack_bus, "SB_WEBHOOKS", "channels-webhooks", ack.seq)
    assert inbound.messages == []


async def test_send_is_delivered_once(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen) -> None:
    channel, user_id, chat_id = await shop(channels, avito, tenant_a)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    message_id = await send_requested(stack_bus, tenant_a, channel.id, chat_id, "В наличии!")
    [event] = await deliveries(delivered)
    [sent] = await avito.sent(user_id)
    assert (sent["chat_id"], sent["text"]) == (chat_id, "В наличии!")
    assert event.outcome == ev.DELIVERY_OUTCOME_SENT
    assert (event.message_id, event.channel_id) == (str(message_id), channel.id)
    assert (event.external_message_id, event.attempts) == (sent["message_id"], 1)
    assert event.sent_at.seconds > 0

    # The same command again (a new bus message, as after a producer retry): no second send,
    # no second delivery event. A marker sent after it shows the duplicate was handled.
    await send_requested(stack_bus, tenant_a, channel.id, chat_id, "В наличии!", message_id)
    await send_requested(stack_bus, tenant_a, channel.id, chat_id, "marker")
    events = await deliveries(delivered, 2)
    assert [e.message_id for e in events][:1] == [str(message_id)] and len(events) == 2
    assert [s["text"] for s in await avito.sent(user_id)] == ["В наличии!", "marker"]
    async with stack_db.unit_of_work(tenant_a) as session:
        row = await session.scalar(select(OutboundSend).where(
            OutboundSend.message_id == message_id))
    assert row is not None and (row.status, row.attempts) == (SendStatus.SENT, 1)
    assert row.external_message_id == sent["message_id"]


async def test_long_text_goes_out_in_ordered_parts(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    channel, user_id, chat_id = await shop(channels, avito, tenant_a)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    text = " ".join(f"Предложение номер {i}." for i in range(120))  # ~2500 characters
    await send_requested(stack_bus, tenant_a, channel.id, chat_id, text)
    [event] = await deliveries(delivered)
    sent = await avito.sent(user_id)
    assert len(sent) == 3 and all(len(s["text"]) <= 1000 for s in sent)
    assert " ".join(s["text"] for s in sent) == text
    assert event.external_message_id == sent[-1]["message_id"]


async def test_rate_limited_send_is_eventually_sent(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    channel, user_id, chat_id = await shop(channels, avito, tenant_a)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    await avito.fault("send", 429, count=2)
    await send_requested(stack_bus, tenant_a, channel.id, chat_id, "После паузы")
    [event] = await deliveries(delivered)
    assert event.outcome == ev.DELIVERY_OUTCOME_SENT
    assert [s["text"] for s in await avito.sent(user_id)] == ["После паузы"]


async def test_unavailable_beyond_the_budget_fails_with_a_reason(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    channel, user_id, chat_id = await shop(channels, avito, tenant_a)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    await avito.fault("send", 500, count=1000)
    try:
        await send_requested(stack_bus, tenant_a, channel.id, chat_id, "Не дойдёт")
        [event] = await deliveries(delivered)
    finally:
        await avito.clear_faults()
    assert event.outcome == ev.DELIVERY_OUTCOME_FAILED
    assert event.failure_reason.startswith("Avito was unavailable on all 3 attempts")
    assert event.attempts == 3
    assert await avito.sent(user_id) == []


async def test_rejected_and_impossible_sends_fail_at_once(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, tenant_a: uuid.UUID,
        listen: Listen) -> None:
    channel, user_id, _ = await shop(channels, avito, tenant_a)
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    await send_requested(stack_bus, tenant_a, channel.id, "u2i-NoSuchChatAtAllZzzzzz", "Эй")
    await send_requested(stack_bus, tenant_a, str(uuid.uuid4()), "u2i-x", "Куда?")
    await send_requested(stack_bus, tenant_a, channel.id, "u2i-x", "   ")
    events = await deliveries(delivered, 3)
    assert all(e.outcome == ev.DELIVERY_OUTCOME_FAILED for e in events)
    assert [e.failure_reason for e in events] == [
        "Avito rejected the message (404): Not found", "the channel does not exist",
        "the message has neither text nor images"]
    assert await avito.sent(user_id) == []


async def test_interrupted_send_is_reconciled_not_repeated(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        tenant_a: uuid.UUID, listen: Listen) -> None:
    """A replica died after Avito accepted the send but before it recorded it, longer ago
    than the attempt's lease (sooner, its requests might still be on their way to Avito)."""
    channel, user_id, chat_id = await shop(channels, avito, tenant_a)
    message_id = uuid.uuid4()
    async with stack_db.unit_of_work(tenant_a) as session:
        session.add(OutboundSend(
            tenant_id=tenant_a, message_id=message_id, conversation_id=uuid.uuid4(),
            channel_id=uuid.UUID(channel.id), external_chat_id=chat_id,
            status=SendStatus.SENDING, attempts=1, last_error="",
            updated_at=datetime.now(UTC) - timedelta(minutes=10)))
    token = (await avito.http.post("/token", data={
        "grant_type": "client_credentials", "client_id": (await _account(avito, user_id))[
            "client_id"], "client_secret": (await _account(avito, user_id))["client_secret"]})
    ).json()["access_token"]
    accepted = (await avito.http.post(
        f"/messenger/v1/accounts/{user_id}/chats/{chat_id}/messages",
        headers={"Authorization": f"Bearer {token}"},
        json={"message": {"text": "Уже отправлено"}, "type": "text"})).json()

    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    await send_requested(stack_bus, tenant_a, channel.id, chat_id, "Уже отправлено", message_id)
    [event] = await deliveries(delivered)
    assert event.outcome == ev.DELIVERY_OUTCOME_SENT
    assert event.external_message_id == accepted["id"]
    assert [s["text"] for s in await avito.sent(user_id)] == ["Уже отправлено"]


async def _account(avito: Avito, user_id: int) -> dict[str, Any]:
    accounts = (await avito.http.get("/_emulator/accounts")).json()["accounts"]
    return next(a for a in accounts if a["user_id"] == user_id)  # type: ignore[no-any-return]


async def test_conversation_read_marks_the_chat_read(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, tenant_a: uuid.UUID) -> None:
    channel, user_id, chat_id = await shop(channels, avito, tenant_a)
    await publish(stack_bus, f"sb.conversations.{tenant_a}.conversation.read",
                  conv_ev.ConversationRead(conversation=conv.Conversation(
                      id=str(uuid.uuid4()), channel_id=channel.id, external_chat_id=chat_id)))

    async def read() -> bool:
        chat = (await avito.http.get(f"/_emulator/accounts/{user_id}/chats/{chat_id}")).json()
        return bool(chat["read_events"]) and not chat["unread"]
    await eventually(read)


async def test_expired_token_is_refreshed_and_kept_for_other_replicas(
        channels: ChannelsClient, avito: Avito, stack_bus: Bus, stack_db: Database,
        channels_settings: ChannelsSettings, tenant_a: uuid.UUID, listen: Listen) -> None:
    channel, _, chat_id = await shop(channels, avito, tenant_a)
    box = SecretBox(channels_settings.secret_key.get_secret_value())
    before = await _stored_token(stack_db, tenant_a, channel.id, box)
    # Avito's clock moves past the token's expiry (ours does not): the send gets a 403 first.
    await avito.http.post("/_emulator/clock", json={"advance_seconds": 86_400 + 5})
    delivered = await listen(f"sb.channels.{tenant_a}.message.delivery")
    await send_requested(stack_bus, tenant_a, channel.id, chat_id, "Со свежим токеном")
    [event] = await deliveries(delivered)
    assert event.outcome == ev.DELIVERY_OUTCOME_SENT
    after = await _stored_token(stack_db, tenant_a, channel.id, box)
    assert after != before  # saved, encrypted, on the account's row


async def _stored_token(db: Database, tenant: uuid.UUID, channel_id: str,
                        box: SecretBox) -> str:
    async with db.unit_of_work(tenant) as session:
        row = await session.get(ChannelAccount, uuid.UUID(channel_id))
    assert row is not None and row.access_token_enc is not None
    return box.decrypt(row.access_token_enc)


async def test_sender_consumer_is_durable(stack_bus: Bus) -> None:
    info = await stack_bus.js.consumer_info("SB_CONVERSATIONS", CHANNELS_SENDER.name)
    assert info.config.filter_subject == "sb.conversations.*.message.send_requested"
