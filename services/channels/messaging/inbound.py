"""Inbound: verified webhook deliveries -> unified messages -> message.inbound, and
`publish_inbound`, the one way the webhook consumer and reconciliation hand a normalized
message to conversations, so both meet in the same idempotent store.

Published directly, not through the outbox: the only write on this path is the account's
`last_webhook_at` (diagnostics), so there is no transaction to be atomic with. The Nats-Msg-Id
is derived from the channel and the Avito message id (`events.inbound_msg_id`), so the same
message reaching us by webhook and by sync, twice by either, or again after a crash before the
ack, is one JetStream message within the duplicate window, and conversations stays idempotent
on the external id beyond it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence

from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channels_ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels import events
from services.channels.avito.normalize import AccountRef, normalize_webhook
from services.channels.models import AccountStatus
from services.channels.repository import ChannelsUnit
from services.kernel.bus import Bus
from services.kernel.timestamps import now_timestamp

log = logging.getLogger(__name__)

# A normalized message and when its webhook reached the gateway.
Inbound = tuple[common.UnifiedMessage, Timestamp]


async def publish_inbound(bus: Bus, tenant_id: uuid.UUID, message: common.UnifiedMessage, *,
                          received_at: Timestamp | None = None, historical: bool = False) -> None:
    # Telegram numbers messages per chat, Avito per account: the id is made unique per channel.
    external_id = f"{message.external_chat_id}:{message.external_message_id}" \
        if message.channel == common.CHANNEL_KIND_TELEGRAM else message.external_message_id
    await bus.publish_event(
        topics.MESSAGE_INBOUND, tenant_id, events.message_inbound(message, received_at, historical),
        msg_id=events.inbound_msg_id(message.channel_id, external_id, message.content_type))


class Webhooks:
    """channels-webhooks: one tenant's fetched deliveries. One transaction looks up (and
    notes) each account once; then every message is published concurrently."""

    def __init__(self, bus: Bus) -> None:
        self._bus = bus

    async def accounts(self, unit: ChannelsUnit, received: Sequence[channels_ev.WebhookReceived]
                       ) -> dict[str, AccountRef | None]:
        """The account of each channel named, None where its deliveries are no longer
        handled (unknown, malformed id, disconnected); each found one notes the delivery."""
        found: dict[str, AccountRef | None] = {}
        for channel_id in dict.fromkeys(r.channel_id for r in received):
            found[channel_id] = account = await _active_account(unit, channel_id)
            if account is not None:
                # When the account last got a delivery (diagnostics): one write a minute at most.
                await unit.accounts.touch_last_webhook(uuid.UUID(account.channel_id))
        return found

    def normalize(self, received: Sequence[channels_ev.WebhookReceived],
                  accounts: dict[str, AccountRef | None]) -> list[Inbound]:
        """Every delivery of a known account as a unified message (MalformedWebhook on the
        first that is not one); the others are dropped."""
        inbound = []
        for r in received:
            account = accounts[r.channel_id]
            if account is None:
                log.info("webhook for an unknown or disconnected channel dropped", extra={
                    "channel_id": r.channel_id, "delivery_id": r.delivery_id})
                continue
            inbound.append((normalize_webhook(account, r.body),
                            r.received_at if r.HasField("received_at") else now_timestamp()))
        return inbound

    async def publish(self, tenant_id: uuid.UUID, inbound: Sequence[Inbound]) -> None:
        await asyncio.gather(*(publish_inbound(self._bus, tenant_id, m, received_at=at)
                               for m, at in inbound))


async def _active_account(unit: ChannelsUnit, channel_id: str) -> AccountRef | None:
    try:
        account = await unit.accounts.get(uuid.UUID(channel_id))
    except ValueError:
        return None
    if account is None or account.status != AccountStatus.ACTIVE:
        return None
    return AccountRef(str(account.id), account.external_account_id)
