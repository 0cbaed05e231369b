"""ConversationsClient: the inbox over gRPC."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2_grpc as rpc

# Files of up to 24 MB travel in these calls.
MEDIA_DEADLINE_S = 30.0


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

    async def batch_list_messages(self, tenant_id: uuid.UUID, conversation_ids: Sequence[str], *,
                                  page_size: int = 0) -> list[pb.ConversationMessages]:
        """The first page of list_messages of each conversation (at most 100 ids), one entry
        per distinct id in request order; unknown ids (or another tenant's) have no messages."""
        request = pb.BatchListMessagesRequest(conversation_ids=list(conversation_ids),
                                              page_size=page_size)
        resp = await self._call(self._stub.BatchListMessages, request, tenant_id)
        return list(resp.conversations)

    async def export_messages(self, tenant_id: uuid.UUID, since: datetime, until: datetime,
                              channel_ids: Sequence[str] = (), *, page_size: int = 0,
                              cursor: str = "") -> pb.ExportMessagesResponse:
        """A page of the messages sent in [since, until), conversation by conversation; the
        first page (no cursor) carries the range's totals."""
        request = pb.ExportMessagesRequest(channel_ids=list(channel_ids), page_size=page_size,
                                           cursor=cursor)
        getattr(request, "from").FromDatetime(since)  # `from` is a Python keyword
        request.to.FromDatetime(until)
        return await self._call(self._stub.ExportMessages, request, tenant_id)

    async def send_message(self, tenant_id: uuid.UUID, conversation_id: str, text: str, *,
                           idempotency_key: str = "", sender_user_id: str = "",
                           sender: int = pb.SENDER_KIND_USER,
                           attachments: Sequence[pb.OutgoingAttachment] = ()) -> pb.Message:
        request = pb.SendMessageRequest(
            conversation_id=conversation_id, text=text, idempotency_key=idempotency_key,
            sender_user_id=sender_user_id, sender=sender, attachments=list(attachments))
        resp = await self._call(self._stub.SendMessage, request, tenant_id)
        return resp.message

    async def mark_read(self, tenant_id: uuid.UUID, conversation_id: str) -> pb.Conversation:
        resp = await self._call(self._stub.MarkRead,
                                pb.MarkReadRequest(conversation_id=conversation_id), tenant_id)
        return resp.conversation

    async def get_message(self, tenant_id: uuid.UUID, conversation_id: str,
                          message_id: str) -> pb.Message:
        resp = await self._call(self._stub.GetMessage, pb.GetMessageRequest(
            conversation_id=conversation_id, message_id=message_id), tenant_id)
        return resp.message

    async def delete_message(self, tenant_id: uuid.UUID, conversation_id: str,
                             message_id: str) -> pb.Message:
        resp = await self._call(self._stub.DeleteMessage, pb.DeleteMessageRequest(
            conversation_id=conversation_id, message_id=message_id), tenant_id)
        return resp.message

    async def upload_media(self, tenant_id: uuid.UUID, content: bytes, *, filename: str = "",
                           mime_type: str = "") -> pb.UploadMediaResponse:
        request = pb.UploadMediaRequest(content=content, filename=filename, mime_type=mime_type)
        return await self._call(self._stub.UploadMedia, request, tenant_id,
                                deadline_s=MEDIA_DEADLINE_S)

    async def get_media(self, tenant_id: uuid.UUID, media_id: str) -> pb.GetMediaResponse:
        return await self._call(self._stub.GetMedia, pb.GetMediaRequest(media_id=media_id),
                                tenant_id, deadline_s=MEDIA_DEADLINE_S)

    async def add_note(self, tenant_id: uuid.UUID, conversation_id: str, text: str, *,
                       author: int = pb.SENDER_KIND_USER, author_user_id: str = "",
                       idempotency_key: str = "") -> pb.Message:
        """A private note in the conversation (never sent to the channel)."""
        request = pb.AddNoteRequest(conversation_id=conversation_id, text=text, author=author,
                                    author_user_id=author_user_id, idempotency_key=idempotency_key)
        resp = await self._call(self._stub.AddNote, request, tenant_id)
        return resp.message

    async def list_canned_replies(self, tenant_id: uuid.UUID) -> list[pb.CannedReply]:
        resp = await self._call(self._stub.ListCannedReplies, pb.ListCannedRepliesRequest(),
                                tenant_id)
        return list(resp.canned_replies)

    async def create_canned_reply(self, tenant_id: uuid.UUID, title: str, text: str,
                                  shortcut: str = "") -> pb.CannedReply:
        request = pb.CreateCannedReplyRequest(title=title, text=text, shortcut=shortcut)
        return (await self._call(self._stub.CreateCannedReply, request, tenant_id)).canned_reply

    async def update_canned_reply(self, tenant_id: uuid.UUID,
                                  request: pb.UpdateCannedReplyRequest) -> pb.CannedReply:
        return (await self._call(self._stub.UpdateCannedReply, request, tenant_id)).canned_reply

    async def delete_canned_reply(self, tenant_id: uuid.UUID, id_: str) -> None:
        await self._call(self._stub.DeleteCannedReply, pb.DeleteCannedReplyRequest(id=id_),
                         tenant_id)

    async def render_canned_reply(self, tenant_id: uuid.UUID, id_: str,
                                  conversation_id: str) -> pb.RenderCannedReplyResponse:
        """The reply's text for the conversation, with the variables it had no value for."""
        request = pb.RenderCannedReplyRequest(id=id_, conversation_id=conversation_id)
        return await self._call(self._stub.RenderCannedReply, request, tenant_id)
