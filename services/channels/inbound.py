"""Publishing message.inbound: the one way the webhook consumer and reconciliation hand a
normalized message to conversations, so both meet in the same idempotent store.

Published directly, not through the outbox: the Nats-Msg-Id is derived from the channel and
the Avito message id (`events.inbound_msg_id`), so the same message reaching us by webhook and
by sync, or twice by either, is one JetStream message within the duplicate window, and
conversations stays idempotent on the external id beyond it.
"""

from __future__ import annotations

import uuid

from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc import topics
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels import events
from services.kernel.bus import Bus


async def publish_inbound(bus: Bus, tenant_id: uuid.UUID, message: common.UnifiedMessage, *,
                          received_at: Timestamp | None = None, historical: bool = False) -> None:
    await bus.publish_event(
        topics.MESSAGE_INBOUND, tenant_id, events.message_inbound(message, received_at, historical),
        msg_id=events.inbound_msg_id(message.channel_id, message.external_message_id,
                                     message.content_type))
