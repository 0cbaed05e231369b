"""The payloads channels publishes (channels/v1/events.proto) and their deterministic ids.
Builders only: the unit of work emits them (`unit.emit(topics.<TOPIC>, events.<builder>(…),
event_id=…)`), `message.inbound` alone is published directly (messaging/inbound.py).

  CHANNEL_CONNECTED     ChannelConnected     (outbox)
  CHANNEL_DISCONNECTED  ChannelDisconnected  (outbox)
  MESSAGE_INBOUND       MessageInbound       (direct publish, Nats-Msg-Id `inbound_msg_id`)
  MESSAGE_DELIVERY      MessageDelivery      (outbox, event id per message)
  MESSAGE_DELETION      MessageDeletion      (outbox, event id per request)
  LISTING_UPDATED       ListingUpdated       (outbox: a fetch under its row id; a cached listing
                                              under an id per conversation shown it)
  CONTACT_UPDATED       ContactUpdated       (outbox, once per chat looked up: its row id)

A deterministic id marks one fact that two transactions (or two deliveries) may record: a
repeat is dropped by JetStream within its window, so the id must change whenever the fact does.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels.models import ChannelAccount, Listing, OutboundSend, SendStatus

# Event ids derived from what they are about, so a repeated emission is one JetStream message.
_EVENT_NAMESPACE = uuid.UUID("6f9d3c1e-2b4a-5c8d-9e0f-1a2b3c4d5e6f")


def inbound_msg_id(channel_id: str, external_message_id: str, content_type: str = "") -> str:
    """The same Avito message (redelivered webhook, replayed consumer) has one id, so
    JetStream keeps one copy within its duplicate window. Its deletion is a new state of the
    message, with an id of its own (else it would be dropped as a copy). A sync copy of a
    message a webhook brought is the same message although it names the buyer and the listing
    the webhook lacked: those reach conversations through `channels-listings` instead."""
    suffix = ":deleted" if content_type == "deleted" else ""
    return f"inbound:{channel_id}:{external_message_id}{suffix}"


def delivery_event_id(message_id: uuid.UUID) -> uuid.UUID:
    """A message's final outcome: emitted when its send row becomes SENT or FAILED (under the
    row's lock, once), so a repeat can only be the same outcome."""
    return uuid.uuid5(_EVENT_NAMESPACE, f"delivery:{message_id}")


def deletion_event_id(message_id: uuid.UUID, request_id: str) -> uuid.UUID:
    """One outcome per delete request (a seller may ask again after a failure): the request
    id is the request's own Nats-Msg-Id (conversations' outbox row id), new for each."""
    return uuid.uuid5(_EVENT_NAMESPACE, f"deletion:{message_id}:{request_id}")


def message_deletion(message_id: uuid.UUID, conversation_id: uuid.UUID,
                     failure_reason: str = "") -> ev.MessageDeletion:
    """Deleted unless a failure reason is given."""
    return ev.MessageDeletion(message_id=str(message_id), conversation_id=str(conversation_id),
                              deleted=not failure_reason, failure_reason=failure_reason)


def channel_disconnected(account: ChannelAccount) -> ev.ChannelDisconnected:
    return ev.ChannelDisconnected(channel_id=str(account.id))


def channel_connected(account: ChannelAccount) -> ev.ChannelConnected:
    return ev.ChannelConnected(channel_id=str(account.id),
                               kind=account.kind,  # type: ignore[arg-type]  # same numbering
                               external_account_id=account.external_account_id)


def message_inbound(message: common.UnifiedMessage, received_at: Timestamp | None,
                    historical: bool = False) -> ev.MessageInbound:
    """`received_at` only for webhooks (webhook-to-stored latency); sync imports leave it
    unset. `historical` for backfilled history: stored, but nothing replies to it."""
    return ev.MessageInbound(message=message, received_at=received_at, historical=historical)


def listing_event_id(channel_id: uuid.UUID, item_id: str, fetched_at: datetime,
                     conversation_id: str) -> uuid.UUID:
    """A cached listing (as fetched at `fetched_at`) shown to one conversation: the same
    conversation asking again (a redelivered message.received) is one message; another
    conversation's announcement is another fact, never a copy to drop. A fetch itself is
    announced under its outbox row's id."""
    return uuid.uuid5(_EVENT_NAMESPACE, f"listing:{channel_id}:{item_id}:"
                                        f"{fetched_at.isoformat()}:{conversation_id}")


def listing_updated(listing: Listing) -> ev.ListingUpdated:
    return ev.ListingUpdated(
        channel_id=str(listing.channel_id), status=listing.status,
        listing=common.Listing(
            external_id=listing.item_id, title=listing.title,
            price_minor=listing.price_minor or 0, has_price=listing.price_minor is not None,
            url=listing.url, image_url=listing.image_url))


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


def contact_updated(channel_id: uuid.UUID, external_user_id: str, name: str,
                    chat_id: str) -> ev.ContactUpdated:
    return ev.ContactUpdated(channel_id=str(channel_id), external_user_id=external_user_id,
                             name=name, external_chat_id=chat_id)
