"""channels-telegram: a Telegram customer channel's verified update -> message.inbound, through
`publish_inbound` (the one path, as Avito's webhooks and sync take: its Nats-Msg-Id names the
channel and Telegram's message id, so a redelivered update is one message, and conversations
stays idempotent on the external id beyond JetStream's duplicate window)."""

from __future__ import annotations

import logging
import uuid

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channels_ev
from services.channels.messaging.inbound import publish_inbound
from services.channels.models import AccountStatus, ChannelKind
from services.channels.repository import ChannelsUnit
from services.channels.telegram.normalize import ChannelRef, normalize_update
from services.kernel.bus import Bus
from services.kernel.timestamps import now_timestamp
from services.kernel.unit import Units

log = logging.getLogger(__name__)


class TelegramUpdates:
    def __init__(self, units: Units[ChannelsUnit], bus: Bus) -> None:
        self._units, self._bus = units, bus

    async def handle(self, tenant_id: uuid.UUID, update: channels_ev.TelegramChannelUpdate) -> None:
        """MalformedUpdate (normalize.py) for a body that is no Update; an update of an unknown
        or disconnected channel, or one that is no buyer's message, is dropped."""
        async with self._units() as unit:
            if not await _active(unit, update.channel_id):
                log.info("Telegram update for an unknown or disconnected channel dropped",
                         extra={"channel_id": update.channel_id, "update_id": update.update_id})
                return
        message = normalize_update(ChannelRef(update.channel_id), update.body)
        if message is None:
            return
        received_at = update.received_at if update.HasField("received_at") else now_timestamp()
        await publish_inbound(self._bus, tenant_id, message, received_at=received_at)


async def _active(unit: ChannelsUnit, channel_id: str) -> bool:
    """Whether the channel takes updates; notes the delivery (one write a minute at most)."""
    try:
        account = await unit.accounts.get(uuid.UUID(channel_id))
    except ValueError:
        return False
    if account is None or account.status != AccountStatus.ACTIVE \
            or account.kind != ChannelKind.TELEGRAM:
        return False
    await unit.accounts.touch_last_webhook(account.id)
    return True
