"""Durable pull consumers of the channels service (see README.md, "Consumers"): decode, hand
over to the capability, translate its failures for the bus (SendDeferred -> Retry, a webhook
that does not normalize -> Poison). One short unit of work per message or tenant batch; the
workflows that call Avito open their own around those calls.

CHANNELS_WEBHOOKS           avito.received            -> message.inbound
CHANNELS_WEBHOOKS_OVERFLOW  avito.overflow            (the same, held while conversations lags)
CHANNELS_TELEGRAM           telegram.channel_update   -> message.inbound
CHANNELS_SENDER             message.send_requested    -> Avito, message.delivery
CHANNELS_READ               conversation.read         -> Avito read mark
CHANNELS_DELETER            message.delete_requested  -> Avito, message.deletion
CHANNELS_LISTINGS           message.received          -> listing cache / Avito chat: listing.updated,
                                                         contact.updated
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from google.protobuf.message import Message as ProtoMessage

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channels_ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conversations_ev
from services.channels.avito.errors import AvitoUnavailable
from services.channels.avito.normalize import MalformedWebhook
from services.channels.avito.pool import AvitoClients
from services.channels.config import ChannelsSettings
from services.channels.messaging.deletion import DeleteCommand, MessageDeleter
from services.channels.messaging.inbound import Webhooks
from services.channels.messaging.media import MediaFetcher, media_ids
from services.channels.messaging.outbound import OutboundSender, ReadMarker, SendCommand, SendDeferred
from services.channels.repository import ChannelsUnit
from services.channels.sync.details import ChatDetails, wanted
from services.channels.sync.listings import ListingRefresher
from services.channels.telegram.channel import TelegramChannels
from services.channels.telegram.inbound import TelegramUpdates
from services.channels.telegram.normalize import MalformedUpdate
from services.kernel.bus import Backlog, Bus, ConsumerSpec, Delivery, Poison, Retry, uuid_field
from services.kernel.unit import Units


class ChannelsConsumers:
    def __init__(self, settings: ChannelsSettings, units: Units[ChannelsUnit], bus: Bus,
                 clients: AvitoClients, media: MediaFetcher, listings: ListingRefresher,
                 telegram: TelegramChannels) -> None:
        self.settings, self.units, self.bus = settings, units, bus
        self.webhooks = Webhooks(bus)
        self.telegram = TelegramUpdates(units, bus)
        # Sends, read marks and deletes call Avito between their own short units of work.
        self.sender = OutboundSender(units, clients, settings.send_max_deliveries, media,
                                     telegram, avito_call_budget_s(settings))
        self.reader = ReadMarker(units, clients)
        self.deleter = MessageDeleter(units, clients, settings.send_max_deliveries, telegram)
        # The listing cache is shared with reconciliation (one cache, one TTL).
        self.details = ChatDetails(units, clients, listings)

    def specs(self) -> list[ConsumerSpec]:
        s = self.settings
        ack_wait, hold = s.send_ack_wait_s, _batch_hold(s)
        return [
            # Normalizing is per message and conversations' ingest is order-tolerant, so a
            # batch of deliveries is handled several at a time.
            ConsumerSpec(topics.CHANNELS_WEBHOOKS, self.on_webhook, concurrency=8, batch=256,
                         batch_handler=self.on_webhooks),
            # A flooding tenant's excess (the gateway's overflow lane) only moves on while
            # conversations keeps up, so it never queues in front of other tenants' messages.
            ConsumerSpec(topics.CHANNELS_WEBHOOKS_OVERFLOW, self.on_webhook, batch=16,
                         batch_handler=self.on_webhooks,
                         hold_while=Backlog(self.bus, topics.CONVERSATIONS_INBOUND,
                                           s.overflow_downstream_limit).over_limit),
            ConsumerSpec(topics.CHANNELS_TELEGRAM, self.on_telegram_update, concurrency=8,
                         batch=64),
            # Sends and deletes: one conversation's (one Avito chat's) in stream order,
            # different chats concurrently. Read marks: any order.
            ConsumerSpec(topics.CHANNELS_SENDER, self.on_send_requested,
                         max_deliver=s.send_max_deliveries + 2, ack_wait_s=ack_wait, max_hold_s=hold,
                         batch=s.send_batch, concurrency=s.send_concurrency,
                         order_key=_chat_key(conversations_ev.MessageSendRequested),
                         backoff_s=list(s.send_retry_backoff_s)),
            ConsumerSpec(topics.CHANNELS_READ, self.on_conversation_read, ack_wait_s=ack_wait,
                         max_hold_s=hold, batch=s.send_batch, concurrency=s.send_concurrency,
                         backoff_s=list(s.send_retry_backoff_s)),
            ConsumerSpec(topics.CHANNELS_DELETER, self.on_delete_requested,
                         max_deliver=s.send_max_deliveries + 2, ack_wait_s=ack_wait, max_hold_s=hold,
                         batch=s.send_batch, concurrency=s.send_concurrency,
                         order_key=_chat_key(conversations_ev.MessageDeleteRequested),
                         backoff_s=list(s.send_retry_backoff_s)),
            ConsumerSpec(topics.CHANNELS_LISTINGS, self.on_message_received,
                         batch=64, backoff_s=list(s.send_retry_backoff_s),
                         batch_handler=self.on_messages_received),
        ]

    async def on_webhook(self, delivery: Delivery) -> None:
        await self.on_webhooks([delivery])

    async def on_webhooks(self, deliveries: list[Delivery]) -> None:
        """One tenant's verified deliveries: accounts looked up in one unit of work, then
        every message published as message.inbound (see messaging/inbound.py)."""
        received = _webhooks(deliveries)
        async with self.units() as unit:
            accounts = await self.webhooks.accounts(unit, received)
        try:
            inbound = self.webhooks.normalize(received, accounts)
        except MalformedWebhook as exc:
            raise Poison(f"malformed Avito webhook: {exc}") from exc
        await self.webhooks.publish(deliveries[0].tenant_id, inbound)

    async def on_telegram_update(self, delivery: Delivery) -> None:
        try:
            await self.telegram.handle(delivery.tenant_id, delivery.event)
        except MalformedUpdate as exc:
            raise Poison(f"malformed Telegram update: {exc}") from exc

    async def on_send_requested(self, delivery: Delivery) -> None:
        request: conversations_ev.MessageSendRequested = delivery.event
        command = SendCommand(
            **_message_ids(request), external_chat_id=request.external_chat_id,
            text=request.text, media_ids=media_ids(request.attachments))
        await self._deferrable(delivery, lambda: self.sender.send(command, delivery.attempt))

    async def on_conversation_read(self, delivery: Delivery) -> None:
        conversation = delivery.event.conversation
        await self._deferrable(delivery, lambda: self.reader.mark_read(
            uuid_field(conversation.channel_id, "channel_id"), conversation.external_chat_id))

    async def on_delete_requested(self, delivery: Delivery) -> None:
        request: conversations_ev.MessageDeleteRequested = delivery.event
        command = DeleteCommand(
            **_message_ids(request), external_chat_id=request.external_chat_id,
            external_message_id=request.external_message_id, text=request.message.text,
            media_ids=tuple(a.external_id for a in request.message.attachments
                            if a.kind == "image" and a.external_id),
            request_id=delivery.headers.get("Nats-Msg-Id", ""))
        await self._deferrable(delivery, lambda: self.deleter.delete(command, delivery.attempt))

    async def on_messages_received(self, deliveries: list[Delivery]) -> None:
        """Most messages need nothing (listing and buyer known): one pass acks them all. The
        others go one after another, so a chat's later messages find it looked up."""
        for delivery in deliveries:
            await self.on_message_received(delivery)

    async def on_message_received(self, delivery: Delivery) -> None:
        conversation = delivery.event.conversation
        need = wanted(conversation)
        if need is None:
            return
        channel_id = uuid_field(conversation.channel_id, "channel_id")
        try:
            await self.details.complete(channel_id, need)
        except AvitoUnavailable as exc:
            raise Retry(exc.message, exc.retry_after_s) from exc

    async def _deferrable(self, delivery: Delivery, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work`; a SendDeferred becomes a Retry after Avito's Retry-After when it gave
        one, else the configured step for this attempt."""
        try:
            await work()
        except SendDeferred as exc:
            steps = self.settings.send_retry_backoff_s or [1.0]
            step = steps[min(delivery.attempt - 1, len(steps) - 1)]
            raise Retry(exc.reason, max(step, exc.retry_after_s or 0.0)) from exc


def _message_ids(request: ProtoMessage) -> dict[str, uuid.UUID]:
    """message_id, conversation_id and channel_id of a command about one message, as UUIDs
    (Poison when one is not)."""
    return {name: uuid_field(getattr(request, name), name)
            for name in ("message_id", "conversation_id", "channel_id")}


def _webhooks(deliveries: list[Delivery]) -> list[channels_ev.WebhookReceived]:
    """The deliveries' payloads; Poison unless every one is an Avito webhook."""
    received: list[channels_ev.WebhookReceived] = [d.event for d in deliveries]
    if any(r.kind != common.CHANNEL_KIND_AVITO for r in received):
        raise Poison("unsupported channel kind")
    return received


def _batch_hold(s: ChannelsSettings) -> float:
    """How long channels-sender, -read and -deleter may hold a fetched batch (in-progress acks
    keep it theirs meanwhile; their ack_wait, `send_ack_wait_s`, is only how soon a dead
    process's batch comes back).

    A fetch's messages are all delivered at once, the next fetch waits for the whole batch, and
    one chat's messages run one after another: the last of a chat's messages in a batch is
    acked only after every earlier one, up to `send_batch` of them. Covered: one send at its
    worst (every HTTP attempt of every part: 2 x attempts x (timeout + backoff max)) plus every
    other message of the batch taking a full request timeout, which also covers pacing the
    whole batch through one account's token bucket. Defaults: 144 + 31 x 10 = 454 s. Read
    marks (no key, `send_concurrency` at a time) need at most ceil(batch / concurrency) x 72 s.

    Beyond that (Avito failing every one of many sends to one chat) JetStream may redeliver
    the batch's unstarted tail while this process still holds it. This process fetches again
    only once its batch is done, when those are SENT/FAILED (acked as copies) or due for their
    retry anyway. Another replica could take them early: the chat's order may break, and the
    send row's lease (`messaging/outbound.py`: a SENDING row is not taken over before its
    attempt's longest time has passed) keeps a message from going out twice.
    """
    one_send = 2 * avito_call_budget_s(s)
    return one_send + (s.send_batch - 1) * s.avito_timeout_s


def avito_call_budget_s(s: ChannelsSettings) -> float:
    """The longest one Avito call may take: every HTTP attempt at its timeout, and the
    longest backoff between."""
    return s.avito_max_attempts * (s.avito_timeout_s + s.avito_backoff_max_s)


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
