"""The bus's catalogue: every stream, every topic (subject, producer, payload) and every durable
consumer, declared once. Producers emit a topic, consumers name a durable, stream creation, the
gateway's live feed and the bench derive from these tables (docs/events.md describes them).

A durable's name is JetStream's: renaming one starts a new consumer from the stream's start.
"""

from __future__ import annotations

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channels
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conversations
from clients.rpc.gen.switchboard.integrations.v1 import events_pb2 as integrations
from services.kernel.wire import DEAD_LETTER, Bucket, Durable, Stream, Topic

# ---- streams: one per producing area, plus the dead letters --------------------------------
WEBHOOKS = Stream("SB_WEBHOOKS", "webhooks")
CHANNELS = Stream("SB_CHANNELS", "channels")
CONVERSATIONS = Stream("SB_CONVERSATIONS", "conversations")
AGENT = Stream("SB_AGENT", "agent")
INTEGRATIONS = Stream("SB_INTEGRATIONS", "integrations")

STREAMS = (WEBHOOKS, CHANNELS, CONVERSATIONS, AGENT, INTEGRATIONS, DEAD_LETTER)

# ---- key-value buckets: operator data the services share -----------------------------------
# Each tenant's plan (key: tenant id; services/kernel/plans.py): the services that enforce its
# quotas read it, none may read another's schema (docs/api.md, "Plans and quotas").
PLANS = Bucket("SB_PLANS", readers=("channels", "conversations", "agent"))

BUCKETS = (PLANS,)

# ---- topics --------------------------------------------------------------------------------
# Verified webhook deliveries, raw: the tenant's regular lane and its overflow lane.
AVITO_WEBHOOK_RECEIVED = Topic(WEBHOOKS, "gateway", "avito", "received", channels.WebhookReceived)
AVITO_WEBHOOK_OVERFLOW = Topic(WEBHOOKS, "gateway", "avito", "overflow", channels.WebhookReceived)
# A tenant's Telegram bot's update, verified by its webhook secret, raw: the bot runner's input.
TELEGRAM_UPDATE_RECEIVED = Topic(WEBHOOKS, "gateway", "telegram", "update",
                                 channels.TelegramUpdateReceived)
# A Telegram customer channel's update, verified by its webhook secret, raw: channels' input.
TELEGRAM_CHANNEL_UPDATE = Topic(WEBHOOKS, "gateway", "telegram", "channel_update",
                                channels.TelegramChannelUpdate)

CHANNEL_CONNECTED = Topic(CHANNELS, "channels", "channel", "connected", channels.ChannelConnected)
CHANNEL_DISCONNECTED = Topic(CHANNELS, "channels", "channel", "disconnected",
                             channels.ChannelDisconnected)
MESSAGE_INBOUND = Topic(CHANNELS, "channels", "message", "inbound", channels.MessageInbound)
MESSAGE_DELIVERY = Topic(CHANNELS, "channels", "message", "delivery", channels.MessageDelivery)
MESSAGE_DELETION = Topic(CHANNELS, "channels", "message", "deletion", channels.MessageDeletion)
LISTING_UPDATED = Topic(CHANNELS, "channels", "listing", "updated", channels.ListingUpdated)
CONTACT_UPDATED = Topic(CHANNELS, "channels", "contact", "updated", channels.ContactUpdated)

MESSAGE_RECEIVED = Topic(CONVERSATIONS, "conversations", "message", "received",
                         conversations.MessageReceived)
MESSAGE_SEND_REQUESTED = Topic(CONVERSATIONS, "conversations", "message", "send_requested",
                               conversations.MessageSendRequested)
MESSAGE_STATUS_CHANGED = Topic(CONVERSATIONS, "conversations", "message", "status_changed",
                               conversations.MessageStatusChanged)
MESSAGE_UPDATED = Topic(CONVERSATIONS, "conversations", "message", "updated",
                        conversations.MessageUpdated)
MESSAGE_DELETE_REQUESTED = Topic(CONVERSATIONS, "conversations", "message", "delete_requested",
                                 conversations.MessageDeleteRequested)
CONVERSATION_UPDATED = Topic(CONVERSATIONS, "conversations", "conversation", "updated",
                             conversations.ConversationUpdated)
CONVERSATION_READ = Topic(CONVERSATIONS, "conversations", "conversation", "read",
                          conversations.ConversationRead)
NOTE_ADDED = Topic(CONVERSATIONS, "conversations", "note", "added", conversations.NoteAdded)
# The agent's handoff, recorded on the conversation: on conversations' own stream for live views.
CONVERSATION_HANDOFF_REQUESTED = Topic(CONVERSATIONS, "conversations", "conversation",
                                       "handoff_requested",
                                       conversations.ConversationHandoffRequested)

HANDOFF_REQUESTED = Topic(AGENT, "agent", "conversation", "handoff_requested",
                          agent.HandoffRequested)
AUTO_REPLY_SENT = Topic(AGENT, "agent", "reply", "sent", agent.AutoReplySent)

# An outgoing webhook endpoint's circuit breaker opened / closed (its owner is told).
ENDPOINT_PAUSED = Topic(INTEGRATIONS, "integrations", "endpoint", "paused",
                        integrations.EndpointPaused)
ENDPOINT_RESUMED = Topic(INTEGRATIONS, "integrations", "endpoint", "resumed",
                         integrations.EndpointResumed)

TOPICS = (
    AVITO_WEBHOOK_RECEIVED, AVITO_WEBHOOK_OVERFLOW, TELEGRAM_UPDATE_RECEIVED,
    TELEGRAM_CHANNEL_UPDATE,
    CHANNEL_CONNECTED, CHANNEL_DISCONNECTED, MESSAGE_INBOUND, MESSAGE_DELIVERY, MESSAGE_DELETION,
    LISTING_UPDATED, CONTACT_UPDATED,
    MESSAGE_RECEIVED, MESSAGE_SEND_REQUESTED, MESSAGE_STATUS_CHANGED, MESSAGE_UPDATED,
    MESSAGE_DELETE_REQUESTED, CONVERSATION_UPDATED, CONVERSATION_READ, NOTE_ADDED,
    CONVERSATION_HANDOFF_REQUESTED,
    HANDOFF_REQUESTED, AUTO_REPLY_SENT,
    ENDPOINT_PAUSED, ENDPOINT_RESUMED,
)

# ---- durable consumers ---------------------------------------------------------------------
CHANNELS_WEBHOOKS = Durable("channels-webhooks", AVITO_WEBHOOK_RECEIVED, "channels")
# Fetched only while CONVERSATIONS_INBOUND keeps up; the gateway slows answers while it lags.
CHANNELS_WEBHOOKS_OVERFLOW = Durable("channels-webhooks-overflow", AVITO_WEBHOOK_OVERFLOW,
                                     "channels")
# Buyers' private messages to tenants' Telegram customer channels.
CHANNELS_TELEGRAM = Durable("channels-telegram", TELEGRAM_CHANNEL_UPDATE, "channels")
CHANNELS_SENDER = Durable("channels-sender", MESSAGE_SEND_REQUESTED, "channels")
CHANNELS_READ = Durable("channels-read", CONVERSATION_READ, "channels")
CHANNELS_DELETER = Durable("channels-deleter", MESSAGE_DELETE_REQUESTED, "channels")
# What a new conversation lacks (its listing, its buyer's name): the cache or one chat lookup.
CHANNELS_LISTINGS = Durable("channels-listings", MESSAGE_RECEIVED, "channels")

CONVERSATIONS_INBOUND = Durable("conversations-inbound", MESSAGE_INBOUND, "conversations")
CONVERSATIONS_DELIVERY = Durable("conversations-delivery", MESSAGE_DELIVERY, "conversations")
CONVERSATIONS_DELETION = Durable("conversations-deletion", MESSAGE_DELETION, "conversations")
CONVERSATIONS_LISTINGS = Durable("conversations-listings", LISTING_UPDATED, "conversations")
CONVERSATIONS_CONTACTS = Durable("conversations-contacts", CONTACT_UPDATED, "conversations")
# The agent handed over: the conversation shows it until a person acts.
CONVERSATIONS_HANDOFFS = Durable("conversations-handoffs", HANDOFF_REQUESTED, "conversations")

AGENT_INBOUND = Durable("agent-inbound", MESSAGE_RECEIVED, "agent")
AGENT_HUMAN = Durable("agent-human", MESSAGE_SEND_REQUESTED, "agent")
AGENT_LISTINGS = Durable("agent-listings", LISTING_UPDATED, "agent")

# The inbox metrics' projection (services/analytics/projection): messages in and replies sent,
# conversations' state (listing, assignee, resolved) and the agent's handoffs.
ANALYTICS_RECEIVED = Durable("analytics-received", MESSAGE_RECEIVED, "analytics")
ANALYTICS_SENT = Durable("analytics-sent", MESSAGE_STATUS_CHANGED, "analytics")
ANALYTICS_CONVERSATIONS = Durable("analytics-conversations", CONVERSATION_UPDATED, "analytics")
ANALYTICS_HANDOFFS = Durable("analytics-handoffs", HANDOFF_REQUESTED, "analytics")

# Every tenant's bot updates, for the bot runner (one durable: a restart loses none).
TELEGRAM_BOT_UPDATES = Durable("telegram-bot-updates", TELEGRAM_UPDATE_RECEIVED, "telegram_bot")

# Outgoing webhooks: every public conversation event (docs/events.md, "Public events"), in ONE
# durable so that each conversation's events keep the stream's order.
INTEGRATIONS_EVENTS = Durable(
    "integrations-events", MESSAGE_RECEIVED, "integrations",
    also=(MESSAGE_SEND_REQUESTED, MESSAGE_STATUS_CHANGED, MESSAGE_UPDATED, CONVERSATION_UPDATED,
          CONVERSATION_READ, NOTE_ADDED, CONVERSATION_HANDOFF_REQUESTED))

DURABLES = (
    CHANNELS_WEBHOOKS, CHANNELS_WEBHOOKS_OVERFLOW, CHANNELS_TELEGRAM, CHANNELS_SENDER,
    CHANNELS_READ, CHANNELS_DELETER, CHANNELS_LISTINGS,
    CONVERSATIONS_INBOUND, CONVERSATIONS_DELIVERY, CONVERSATIONS_DELETION,
    CONVERSATIONS_LISTINGS, CONVERSATIONS_CONTACTS, CONVERSATIONS_HANDOFFS,
    AGENT_INBOUND, AGENT_HUMAN, AGENT_LISTINGS,
    ANALYTICS_RECEIVED, ANALYTICS_SENT, ANALYTICS_CONVERSATIONS, ANALYTICS_HANDOFFS,
    TELEGRAM_BOT_UPDATES, INTEGRATIONS_EVENTS,
)

_BY_SUFFIX = {(t.stream.token, t.suffix): t for t in TOPICS}


def topic_of(subject: str) -> Topic | None:
    """The topic a subject belongs to (sb.<token>.<tenant>.<entity>.<event>), if it is one."""
    parts = subject.split(".")
    if len(parts) != 5:
        return None
    return _BY_SUFFIX.get((parts[1], f"{parts[3]}.{parts[4]}"))
