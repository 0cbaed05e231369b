"""Blocking a conversation's buyer on its channel, for REST and GraphQL alike."""

from __future__ import annotations

import uuid

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.state import GatewayState
from services.kernel.errors import FailedPrecondition

# Buyers not named yet (only the seller's echoes seen so far) have a placeholder contact.
_PLACEHOLDER_PREFIX = "chat:"


async def block_buyer(state: GatewayState, tenant_id: uuid.UUID, conversation_id: str,
                      reason: int) -> pb.Conversation:
    """Blacklist the buyer on the channel (Avito: they cannot write to the account any more);
    the conversation, as it was. FailedPrecondition while the buyer is not known yet."""
    conversation = await state.conversations.get_conversation(tenant_id, conversation_id)
    buyer = conversation.contact.external_user_id
    if not buyer or buyer.startswith(_PLACEHOLDER_PREFIX):
        raise FailedPrecondition("the buyer of this conversation is not known yet")
    await state.channels.blacklist_user(tenant_id, channels_pb.BlacklistUserRequest(
        channel_id=conversation.channel_id, external_user_id=buyer,
        listing_external_id=conversation.listing.external_id,
        reason=reason))  # type: ignore[arg-type]
    return conversation
