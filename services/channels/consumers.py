"""Durable pull consumers of the channels service (see README.md, "Consumers").

channels-webhooks  SB_WEBHOOKS       sb.webhooks.*.avito.received              -> message.inbound
channels-webhooks-overflow  sb.webhooks.*.avito.overflow  (same, held while conversations lags)
channels-sender    SB_CONVERSATIONS  sb.conversations.*.message.send_requested -> Avito, delivery
channels-read      SB_CONVERSATIONS  sb.conversations.*.conversation.read      -> Avito read mark
channels-deleter   SB_CONVERSATIONS  sb.conversations.*.message.delete_requested -> Avito, deletion
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from google.protobuf.message import Message as ProtoMessage

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channels_ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conversations_ev
from services.channels.avito.normalize import AccountRef, MalformedWebhook, normalize_webhook
from services.channels.config import ChannelsSettings
from services.channels.deletion import DeleteCommand, MessageDeleter
from services.channels.inbound import publish_inbound
from services.channels.outbound import OutboundSender, ReadMarker, SendCommand, SendDeferred
from services.channels.parts import media_ids
from services.channels.repository import Transactions
from services.channels.service import ChannelsService
from services.kernel.bus import Backlog, Bus, ConsumerSpec, Delivery, Poison, Retry, uuid_field
from services.kernel.timestamps import now_timestamp

log = logging.getLogger(__name__)
M = TypeVar("M", bound=ProtoMessage)


class ChannelsConsumers:
    def __init__(self, settings: ChannelsSettings, tx: Transactions, bus: Bus,
                 service: ChannelsService, sender: OutboundSender, reader: ReadMarker,
                 deleter: MessageDeleter) -> None:
        self._settings, self._tx, self._bus = settings, tx, bus
        self._service, self._sender, self._reader = service, sender, reader
        self._deleter = deleter

    def specs(self) -> list[ConsumerSpec]:
        s = self._settings
        send_ack_wait = _batch_ack_wait(s)
        return [
            # Normalizing is per message and conversations' ingest is order-tolerant, so a
            # batch of deliveries is handled several at a time.
            ConsumerSpec(topics.CHANNELS_WEBHOOKS, self.on_webhook, concurrency=8, batch=256,
                         batch_handler=self.on_webhooks),
            # A flooding tenant's excess (the gateway's overflow lane) only moves on while
            # conversations keeps up, so it never queues in front of other tenants' messages.
            ConsumerSpec(topics.CHANNELS_WEBHOOKS_OVERFLOW, self.on_webhook, batch=16,
                         batch_handler=self.on_webhooks,
                         hold_while=Backlog(self._bus, topics.CONVERSATIONS_INBOUND,
                                           s.overflow_downstream_limit).over_limit),
            # Sends and deletes: one conversation's (one Avito chat's) in stream order,
            # different chats concurrently. Read marks: any order.
            ConsumerSpec(topics.CHANNELS_SENDER, self.on_send_requested,
                         max_deliver=s.send_max_deliveries + 2, ack_wait_s=send_ack_wait,
                         batch=s.send_batch, concurrency=s.send_concurrency,
                         order_key=_chat_key(conversations_ev.MessageSendRequested),
                         backoff_s=list(s.send_retry_backoff_s)),
            ConsumerSpec(topics.CHANNELS_READ, self.on_conversation_read, ack_wait_s=send_ack_wait,
                         batch=s.send_batch, concurrency=s.send_concurrency,
                         backoff_s=list(s.send_retry_backoff_s)),
            ConsumerSpec(topics.CHANNELS_DELETER, self.on_delete_requested,
                         max_deliver=s.send_max_deliveries + 2, ack_wait_s=send_ack_wait,
                         batch=s.send_batch, concurrency=s.send_concurrency,
                         order_key=_chat_key(conversations_ev.MessageDeleteRequested),
                         backoff_s=list(s.send_retry_backoff_s)),
        ]

    async def on_webhook(self, delivery: Delivery) -> None:
        await self.on_webhooks([delivery])

    async def on_webhooks(self, deliveries: list[Delivery]) -> None:
        """Normalize one tenant's verified deliveries and publish them as message.inbound.

        One transaction looks up (and notes) each account once; then every message is
        published concurrently. Published directly, not through the outbox: the only write
        here is the account's last_webhook_at (diagnostics), so there is no transaction to be
        atomic with. The Nats-Msg-Id is derived from the Avito message id, so a crash before
        the ack re-publishes the same id and JetStream drops the copy; a redelivered webhook
        is dropped the same way.
        """
        received: list[channels_ev.WebhookReceived] = [d.event for d in deliveries]
        if any(r.kind != common.CHANNEL_KIND_AVITO for r in received):
            raise Poison("unsupported channel kind")
        async with self._tx() as unit:
            accounts: dict[str, AccountRef | None] = {}
            for channel_id in dict.fromkeys(r.channel_id for r in received):
                accounts[channel_id] = account = await self._service.webhook_account(unit, channel_id)
                if account is not None:
                    await self._service.note_webhook(unit, account)
        inbound = []
        for r in received:
            account = accounts[r.channel_id]
            if account is None:
                log.info("webhook for an unknown or disconnected channel dropped", extra={
                    "channel_id": r.channel_id, "delivery_id": r.delivery_id})
                continue
            try:
                message = normalize_webhook(account, r.body)
            except MalformedWebhook as exc:
                raise Poison(f"malformed Avito webhook: {exc}") from exc
            inbound.append((message, r.received_at if r.HasField("received_at")
                            else now_timestamp()))
        tenant = deliveries[0].tenant_id
        await asyncio.gather(*(publish_inbound(self._bus, tenant, m, received_at=at)
                               for m, at in inbound))

    async def on_send_requested(self, delivery: Delivery) -> None:
        request: conversations_ev.MessageSendRequested = delivery.event
        command = SendCommand(
            message_id=uuid_field(request.message_id, "message_id"),
            conversation_id=uuid_field(request.conversation_id, "conversation_id"),
            channel_id=uuid_field(request.channel_id, "channel_id"),
            external_chat_id=request.external_chat_id, text=request.text,
            media_ids=media_ids(request.attachments))
        try:
            await self._sender.send(command, delivery.attempt)
        except SendDeferred as exc:
            raise Retry(exc.reason, self._retry_delay(delivery, exc)) from exc

    async def on_conversation_read(self, delivery: Delivery) -> None:
        conversation = delivery.event.conversation
        try:
            await self._reader.mark_read(uuid_field(conversation.channel_id, "channel_id"),
                                         conversation.external_chat_id)
        except SendDeferred as exc:
            raise Retry(exc.reason, self._retry_delay(delivery, exc)) from exc

    async def on_delete_requested(self, delivery: Delivery) -> None:
        request: conversations_ev.MessageDeleteRequested = delivery.event
        command = DeleteCommand(
            message_id=uuid_field(request.message_id, "message_id"),
            conversation_id=uuid_field(request.conversation_id, "conversation_id"),
            channel_id=uuid_field(request.channel_id, "channel_id"),
            external_chat_id=request.external_chat_id,
            external_message_id=request.external_message_id, text=request.message.text,
            media_ids=tuple(a.external_id for a in request.message.attachments
                            if a.kind == "image" and a.external_id),
            request_id=delivery.headers.get("Nats-Msg-Id", ""))
        try:
            await self._deleter.delete(command, delivery.attempt)
        except SendDeferred as exc:
            raise Retry(exc.reason, self._retry_delay(delivery, exc)) from exc

    def _retry_delay(self, delivery: Delivery, exc: SendDeferred) -> float:
        """Avito's Retry-After when it gave one, else the configured step for this attempt."""
        steps = self._settings.send_retry_backoff_s or [1.0]
        step = steps[min(delivery.attempt - 1, len(steps) - 1)]
        return max(step, exc.retry_after_s or 0.0)


def _batch_ack_wait(s: ChannelsSettings) -> float:
    """ack_wait of channels-sender, -read and -deleter: long enough for a whole fetched batch.

    A fetch's messages are all delivered at once (their ack_wait starts then), the next fetch
    waits for the whole batch, and one chat's messages run one after another: the last of a
    chat's messages in a batch is acked only after every earlier one, up to `send_batch` of
    them. Covered: one send at its worst (every HTTP attempt of every part: 2 x attempts x
    (timeout + backoff max)) plus every other message of the batch taking a full request
    timeout, which also covers pacing the whole batch through one account's token bucket.
    Defaults: 144 + 31 x 10 = 454 s. Read marks (no key, `send_concurrency` at a time) need
    at most ceil(batch / concurrency) x 72 s.

    Beyond that (Avito failing every one of many sends to one chat) JetStream may redeliver
    the batch's unstarted tail while this process still holds it. This process fetches again
    only once its batch is done, when those are SENT/FAILED (acked as copies) or due for their
    retry anyway. Another replica could take them early: the chat's order may break, and the
    send row's lock and interrupted-attempt check (`outbound.py`) keep a message from going
    out twice unless both replicas reach that same message at the same time.
    """
    one_send = 2 * s.avito_max_attempts * (s.avito_timeout_s + s.avito_backoff_max_s)
    return max(60.0, one_send + (s.send_batch - 1) * s.avito_timeout_s)


def _chat_key(cls: type[ProtoMessage]) -> Callable[[Delivery], str]:
    """order_key of a command about one message of a conversation (MessageSendRequested,
    MessageDeleteRequested): its conversation, i.e. one Avito chat. Never raises (the bus
    calls it while grouping a fetch): a payload that does not decode gets a key of its own,
    and the handler dead-letters it as usual."""

    def key(delivery: Delivery) -> str:
        try:
            command = cls.FromString(delivery.data)
        except Exception:
            return f"raw:{delivery.subject}:{delivery.data.hex()}"
        conversation: str = getattr(command, "conversation_id", "")
        return conversation or (f"chat:{getattr(command, 'channel_id', '')}:"
                                f"{getattr(command, 'external_chat_id', '')}")

    return key
