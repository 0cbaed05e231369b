"""gRPC ConversationsService: proto <-> domain, one unit of work per call."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import TypeVar

from google.protobuf.timestamp_pb2 import Timestamp
from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2_grpc as rpc
from services.conversations.canned.servicer import CannedRepliesRpcs
from services.conversations.events import conversation_to_proto, message_to_proto
from services.conversations.export.queries import ExportRange
from services.conversations.inbox.filters import ConversationChanges, ConversationFilter, Page, Sort
from services.conversations.models import Mode, Sender, Status
from services.conversations.outgoing.media import OutgoingAttachment
from services.conversations.repository import ConversationsUnit
from services.conversations.service import ConversationsService
from services.kernel.errors import InvalidArgument
from services.kernel.repository import parse_uuid
from services.kernel.unit import Units

E = TypeVar("E", bound=IntEnum)


class ConversationsServicer(CannedRepliesRpcs, rpc.ConversationsServiceServicer):
    def __init__(self, units: Units[ConversationsUnit], service: ConversationsService) -> None:
        self.units, self.service = units, service

    async def ListConversations(self, request: pb.ListConversationsRequest,
                                context: ServicerContext) -> pb.ListConversationsResponse:
        async with self.units() as unit:
            rows, cursor = await self.service.list_conversations(
                unit, _filter(request.filter), _sort(request.sort), _page(request.page))
        return pb.ListConversationsResponse(
            conversations=[conversation_to_proto(c, contact) for c, contact in rows],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def GetConversation(self, request: pb.GetConversationRequest,
                              context: ServicerContext) -> pb.GetConversationResponse:
        async with self.units() as unit:
            c, contact = await self.service.get(unit, parse_uuid(request.id, "conversation id"))
        return pb.GetConversationResponse(conversation=conversation_to_proto(c, contact))

    async def BatchGetConversations(self, request: pb.BatchGetConversationsRequest,
                                    context: ServicerContext) -> pb.BatchGetConversationsResponse:
        ids = [parse_uuid(i, "conversation id") for i in request.ids]
        async with self.units() as unit:
            rows = await self.service.batch_get(unit, ids)
        return pb.BatchGetConversationsResponse(
            conversations=[conversation_to_proto(c, contact) for c, contact in rows])

    async def UpdateConversation(self, request: pb.UpdateConversationRequest,
                                 context: ServicerContext) -> pb.UpdateConversationResponse:
        changes = ConversationChanges(
            fields=frozenset(request.update_fields),
            status=_enum(Status, request.status, "status"),
            mode=_enum(Mode, request.mode, "mode"),
            assignee_user_id=parse_uuid(request.assignee_user_id, "assignee_user_id")
            if request.assignee_user_id else None,
            pinned=request.pinned, labels=_labels(request.labels),
            snoozed_until=_time(request.snoozed_until, "snoozed_until")
            if request.HasField("snoozed_until") else None)
        async with self.units() as unit:
            c, contact = await self.service.update(
                unit, parse_uuid(request.id, "conversation id"), changes)
        return pb.UpdateConversationResponse(conversation=conversation_to_proto(c, contact))

    async def ListMessages(self, request: pb.ListMessagesRequest,
                           context: ServicerContext) -> pb.ListMessagesResponse:
        async with self.units() as unit:
            rows, cursor = await self.service.list_messages(
                unit, parse_uuid(request.conversation_id, "conversation id"),
                _page(request.page))
        return pb.ListMessagesResponse(
            messages=[message_to_proto(m) for m in rows],
            page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))

    async def BatchListMessages(self, request: pb.BatchListMessagesRequest,
                                context: ServicerContext) -> pb.BatchListMessagesResponse:
        ids = [parse_uuid(i, "conversation id") for i in request.conversation_ids]
        async with self.units() as unit:
            pages = await self.service.batch_list_messages(unit, ids, request.page_size)
        return pb.BatchListMessagesResponse(conversations=[
            pb.ConversationMessages(
                conversation_id=str(id_), messages=[message_to_proto(m) for m in rows],
                page_info=pagination_pb2.PageInfo(next_cursor=cursor, has_more=bool(cursor)))
            for id_, (rows, cursor) in pages.items()])

    async def SendMessage(self, request: pb.SendMessageRequest,
                          context: ServicerContext) -> pb.SendMessageResponse:
        sender = _enum(Sender, request.sender, "sender") or Sender.USER
        user = parse_uuid(request.sender_user_id, "sender_user_id") if request.sender_user_id \
            else None
        async with self.units() as unit:
            message = await self.service.send(
                unit, parse_uuid(request.conversation_id, "conversation id"), request.text,
                idempotency_key=request.idempotency_key, sender=sender, sender_user_id=user,
                attachments=[OutgoingAttachment(a.kind, a.media_id) for a in request.attachments])
        return pb.SendMessageResponse(message=message_to_proto(message))

    async def GetMessage(self, request: pb.GetMessageRequest,
                         context: ServicerContext) -> pb.GetMessageResponse:
        async with self.units() as unit:
            message = await self.service.get_message(
                unit, parse_uuid(request.conversation_id, "conversation id"),
                parse_uuid(request.message_id, "message id"))
        return pb.GetMessageResponse(message=message_to_proto(message))

    async def DeleteMessage(self, request: pb.DeleteMessageRequest,
                            context: ServicerContext) -> pb.DeleteMessageResponse:
        async with self.units() as unit:
            message = await self.service.deletions.request(
                unit, parse_uuid(request.conversation_id, "conversation id"),
                parse_uuid(request.message_id, "message id"))
        return pb.DeleteMessageResponse(message=message_to_proto(message))

    async def UploadMedia(self, request: pb.UploadMediaRequest,
                          context: ServicerContext) -> pb.UploadMediaResponse:
        async with self.units() as unit:
            media = await self.service.media.upload(unit, request.content, request.filename)
        return pb.UploadMediaResponse(media_id=str(media.id), size=media.size)

    async def GetMedia(self, request: pb.GetMediaRequest,
                       context: ServicerContext) -> pb.GetMediaResponse:
        async with self.units() as unit:
            media = await self.service.media.get(unit, request.media_id)
        return pb.GetMediaResponse(content=media.content, mime_type=media.mime_type,
                                   filename=media.filename)

    async def AddNote(self, request: pb.AddNoteRequest,
                      context: ServicerContext) -> pb.AddNoteResponse:
        author = _enum(Sender, request.author, "author") or Sender.USER
        user = parse_uuid(request.author_user_id, "author_user_id") if request.author_user_id \
            else None
        async with self.units() as unit:
            note = await self.service.notes.add(
                unit, parse_uuid(request.conversation_id, "conversation id"), request.text,
                author=author, author_user_id=user, idempotency_key=request.idempotency_key)
        return pb.AddNoteResponse(message=message_to_proto(note))

    async def ExportMessages(self, request: pb.ExportMessagesRequest,
                             context: ServicerContext) -> pb.ExportMessagesResponse:
        if not (request.HasField("from") and request.HasField("to")):
            raise InvalidArgument("from and to are required")
        rng = ExportRange(
            since=_time(getattr(request, "from"), "from"), until=_time(request.to, "to"),
            channel_ids=tuple(parse_uuid(c, "channel id") for c in request.channel_ids))
        async with self.units() as unit:
            page, totals = await self.service.export_messages(
                unit, rng, request.page_size, request.cursor)
        return pb.ExportMessagesResponse(
            messages=[message_to_proto(m) for m in page.messages],
            conversations=[conversation_to_proto(c, contact) for c, contact in page.conversations],
            page_info=pagination_pb2.PageInfo(next_cursor=page.cursor, has_more=bool(page.cursor)),
            total_messages=totals[0] if totals else 0,
            total_conversations=totals[1] if totals else 0)

    async def MarkRead(self, request: pb.MarkReadRequest,
                       context: ServicerContext) -> pb.MarkReadResponse:
        async with self.units() as unit:
            c, contact = await self.service.mark_read(
                unit, parse_uuid(request.conversation_id, "conversation id"))
        return pb.MarkReadResponse(conversation=conversation_to_proto(c, contact))


def _filter(f: pb.ConversationFilter) -> ConversationFilter:
    return ConversationFilter(
        status=_enum(Status, f.status, "status"), mode=_enum(Mode, f.mode, "mode"),
        unread_only=f.unread_only, needs_manager=f.needs_manager,
        channel_id=parse_uuid(f.channel_id, "channel_id") if f.channel_id else None,
        assignee_user_id=parse_uuid(f.assignee_user_id, "assignee_user_id")
        if f.assignee_user_id else None,
        unassigned=f.unassigned, labels=tuple(_labels(f.labels)), query=f.query)


def _sort(value: int) -> Sort:
    return _enum(Sort, value, "sort") or Sort.RECENT


def _enum(cls: type[E], value: int, name: str) -> E | None:
    """Proto enums are open: an unknown number is the caller's mistake, not ours."""
    if not value:
        return None
    try:
        return cls(value)
    except ValueError as exc:
        raise InvalidArgument(f"unknown {name} {value}") from exc


def _page(page: pagination_pb2.PageRequest) -> Page:
    return Page(size=page.page_size, cursor=page.cursor)


def _time(ts: Timestamp, name: str) -> datetime:
    try:
        return ts.ToDatetime(tzinfo=UTC)
    except (ValueError, OverflowError):  # nanos out of range, before year 1 or after 9999
        raise InvalidArgument(f"`{name}` is not a valid time") from None


def _labels(labels: list[str]) -> list[str]:
    cleaned = sorted({label.strip() for label in labels if label.strip()})
    if any(len(label) > 64 for label in cleaned) or len(cleaned) > 50:
        raise InvalidArgument("at most 50 labels of at most 64 characters each")
    return cleaned


