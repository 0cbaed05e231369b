"""A buyer's details reaching conversations: channels announce what a channel says about a
buyer (contact.updated, from the chat lookup of a conversation whose contact had no name); a
contact without a name takes it, and each of its conversations says so with a
conversation.updated (live views show it). A known name is kept: the channel's webhooks and
sync name buyers too, and the event only answers a contact that had none."""

from __future__ import annotations

import uuid

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.conversations import events
from services.conversations.models import NAME_LENGTH
from services.conversations.repository import ConversationsUnit

# Conversations announced per contact.updated (the name shows in every one regardless: the
# contact is joined when a conversation is read).
MAX_PER_EVENT = 500


class ContactUpdater:
    async def apply(self, unit: ConversationsUnit, event: channel_events.ContactUpdated) -> int:
        """How many conversations were announced; 0 when the contact had a name already (or
        is not known here), so a redelivery changes nothing."""
        if not event.external_user_id or not event.name:
            return 0
        contact = await unit.contacts.fill_name(
            uuid.UUID(event.channel_id), event.external_user_id, event.name[:NAME_LENGTH])
        if contact is None:
            return 0
        conversations = await unit.conversations.of_contact(contact.id, MAX_PER_EVENT)
        for conversation in conversations:
            unit.emit(topics.CONVERSATION_UPDATED, events.conversation_updated(conversation, contact))
        return len(conversations)
