"""Mutations acting on one message or buyer: delete a reply, block a buyer.

Voice messages are played through REST (`GET /v1/conversations/{id}/messages/{message_id}/voice`
redirects to a fresh URL): `Attachment.url` stays empty for voice, Avito's links expire.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from gateway.graphql.context import Context
from gateway.graphql.errors import api_error
from gateway.graphql.types import Conversation, Message

Info = strawberry.Info[Context, None]
# Buyers not named yet (only the seller's echoes seen so far) have a placeholder contact.
_PLACEHOLDER_PREFIX = "chat:"


@strawberry.enum
class BlockReason(Enum):
    SPAM = channels_pb.BLACKLIST_REASON_SPAM
    FRAUD = channels_pb.BLACKLIST_REASON_FRAUD
    INSULTS = channels_pb.BLACKLIST_REASON_INSULTS
    OTHER = channels_pb.BLACKLIST_REASON_OTHER


@strawberry.type
class ActionMutation:
    @strawberry.mutation(description="Delete one of your replies on the channel (Avito: within "
                                     "an hour of sending). Asynchronous: the message becomes "
                                     "contentType \"deleted\" or gets a failureReason")
    async def delete_message(self, info: Info, conversation_id: strawberry.ID,
                             message_id: strawberry.ID) -> Message:
        tenant_id = info.context.require("write").tenant_id
        message = await info.context.state.conversations.delete_message(
            tenant_id, str(conversation_id), str(message_id))
        return Message.from_proto(message)

    @strawberry.mutation(description="Blacklist the conversation's buyer on the channel")
    async def block_contact(self, info: Info, conversation_id: strawberry.ID,
                            reason: BlockReason = BlockReason.OTHER) -> Conversation:
        tenant_id = info.context.require("write").tenant_id
        state = info.context.state
        conversation = await state.conversations.get_conversation(tenant_id, str(conversation_id))
        buyer = conversation.contact.external_user_id
        if not buyer or buyer.startswith(_PLACEHOLDER_PREFIX):
            raise api_error("the buyer of this conversation is not known yet",
                            "FAILED_PRECONDITION")
        await state.channels.blacklist_user(tenant_id, channels_pb.BlacklistUserRequest(
            channel_id=conversation.channel_id, external_user_id=buyer,
            listing_external_id=conversation.listing.external_id,
            reason=reason.value))
        return Conversation.from_proto(conversation)
