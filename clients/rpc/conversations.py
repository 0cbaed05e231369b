"""ConversationsClient: the inbox over gRPC."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2_grpc as rpc


class ConversationsClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.ConversationsServiceStub(self.channel)

    async def list_conversations(
            self, tenant_id: uuid.UUID, *, filter: pb.ConversationFilter | None = None,
            sort: int = pb.CONVERSATION_SORT_RECENT, page_size: int = 0,
            cursor: str = "") -> pb.ListConversationsResponse:
        request = pb.ListConversationsRequest(
            filter=filter, sort=sort,
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListConversations, request, tenant_id)

    async def get_conversation(self, tenant_id: uuid.UUID, id_: str) -> pb.Conversation:
        resp = await self._call(self._stub.GetConversation,
                                pb.GetConversationRequest(id=id_), tenant_id)
        return resp.conversation

    async def batch_get_conversations(self, tenant_id: uuid.UUID,
                                      ids: Sequence[str]) -> list[pb.Conversation]:
        resp = await self._call(self._stub.BatchGetConversations,
                                pb.BatchGetConversationsRequest(ids=list(ids)), tenant_id)
        return list(resp.conversations)

    async def update_conversation(self, tenant_id: uuid.UUID,
                                  request: pb.UpdateConversationRequest) -> pb.Conversation:
        resp = await self._call(self._stub.UpdateConversation, request, tenant_id)
        return resp.conversation

    async def list_messages(self, tenant_id: uuid.UUID, conversation_id: str, *,
                            page_size: int = 0, cursor: str = "") -> pb.ListMessagesResponse:
        request = pb.ListMessagesRequest(
            conversation_id=conversation_id,
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListMessages, request, tenant_id)

    async def send_message(self, tenant_id: uuid.UUID, conversation_id: str, text: str, *,
                           idempotency_key: str = "", sender_user_id: str = "",
                           sender: int = pb.SENDER_KIND_USER) -> pb.Message:
        request = pb.SendMessageRequest(
            conversation_id=conversation_id, text=text, idempotency_key=idempotency_key,
            sender_user_id=sender_user_id, sender=sender)
        resp = await self._call(self._stub.SendMessage, request, tenant_id)
        return resp.message

    async def mark_read(self, tenant_id: uuid.UUID, conversation_id: str) -> pb.Conversation:
        resp = await self._call(self._stub.MarkRead,
                                pb.MarkReadRequest(conversation_id=conversation_id), tenant_id)
        return resp.conversation
