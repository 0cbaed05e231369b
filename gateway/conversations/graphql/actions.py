"""Mutations acting on one message or buyer: delete a reply, block a buyer.

Voice messages are played through REST (`GET /v1/conversations/{id}/messages/{message_id}/voice`
redirects to a fresh URL): `Attachment.url` stays empty for voice, Avito's links expire.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from gateway.conversations.blocking import block_buyer
from gateway.conversations.graphql.types import Conversation, Message
from gateway.graphql.context import Info


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
        conversation = await block_buyer(info.context.state, tenant_id, str(conversation_id),
                                         reason.value)
        return Conversation.from_proto(conversation)
