"""Subjects, ids and payloads of what the channels service publishes (channels/v1/events.proto).

Published on sb.channels.<tenant_id>.<entity>.<event>:
  channel.connected   ChannelConnected  (outbox)
  message.inbound     MessageInbound    (direct publish, deterministic Nats-Msg-Id, see below)
  message.delivery    MessageDelivery   (outbox, deterministic event id per message)
"""

from __future__ import annotations

import uuid

from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels.models import ChannelAccount, OutboundSend, SendStatus
from services.kernel.bus import subject

PRODUCER = "channels"
# Event ids derived from what they are about, so a repeated emission is one JetStream message.
_EVENT_NAMESPACE = uuid.UUID("6f9d3c1e-2b4a-5c8d-9e0f-1a2b3c4d5e6f")


def connected_subject(tenant_id: uuid.UUID) -> str:
    return subject(PRODUCER, tenant_id, "channel", "connected")


def inbound_subject(tenant_id: uuid.UUID) -> str:
    return subject(PRODUCER, tenant_id, "message", "inbound")


def delivery_subject(tenant_id: uuid.UUID) -> str:
    return subject(PRODUCER, tenant_id, "message", "delivery")


def inbound_msg_id(channel_id: str, external_message_id: str) -> str:
    """The same Avito message (redelivered webhook, replayed consumer) has one id, so
    JetStream keeps one copy within its duplicate window."""
    return f"inbound:{channel_id}:{external_message_id}"


def delivery_event_id(message_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_EVENT_NAMESPACE, f"delivery:{message_id}")


def channel_connected(account: ChannelAccount) -> ev.ChannelConnected:
    return ev.ChannelConnected(channel_id=str(account.id), kind=common.CHANNEL_KIND_AVITO,
                               external_account_id=account.external_account_id)


def message_inbound(message: common.UnifiedMessage, received_at: Timestamp) -> ev.MessageInbound:
    return ev.MessageInbound(message=message, received_at=received_at)


def message_delivery(*, message_id: uuid.UUID, conversation_id: uuid.UUID | str,
                     channel_id: uuid.UUID | str, send: OutboundSend | None = None,
                     failure_reason: str = "") -> ev.MessageDelivery:
    """SENT when the send row says so, otherwise FAILED with the reason."""
    event = ev.MessageDelivery(message_id=str(message_id), conversation_id=str(conversation_id),
                               channel_id=str(channel_id))
    if send is not None and send.status == SendStatus.SENT:
        event.outcome = ev.DELIVERY_OUTCOME_SENT
        event.external_message_id = send.external_message_id or ""
        if send.sent_at is not None:
            event.sent_at.FromDatetime(send.sent_at)
    else:
        event.outcome = ev.DELIVERY_OUTCOME_FAILED
        event.failure_reason = failure_reason or (send.last_error if send else "")
    event.attempts = send.attempts if send is not None else 0
    return event
