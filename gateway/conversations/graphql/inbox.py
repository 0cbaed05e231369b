"""The inbox: conversation and message queries, and the mutations that change them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, TypeVar

import strawberry

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.conversations.assignment import assignee_filter, update_conversation
from gateway.conversations.graphql.types import (
    Conversation,
    ConversationMode,
    ConversationSort,
    ConversationStatus,
    Message,
    message_page,
)
from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input
from gateway.graphql.pagination import Connection, connection, page_size
from gateway.identity.principal import Principal

T = TypeVar("T")


@strawberry.input
class ConversationFilterInput:
    status: ConversationStatus | None = None
    mode: ConversationMode | None = None
    unread_only: bool = False
    channel_id: strawberry.ID | None = None
    needs_manager: bool = strawberry.field(
        default=False, description="Only conversations the AI handed over that no person took yet")
    assignee: str | None = strawberry.field(
        default=None, description="A user's id, `me` (the signed-in user) or `none` (unassigned)")
    labels: list[str] | None = strawberry.field(
        default=None, description="Each of these labels must be on the conversation (at most 10)")
    query: str | None = strawberry.field(default=None, description=(
        "Search: the buyer's name and the listing's title (any part) and the messages' words "
        "(Russian word forms); at most 200 characters"))


@strawberry.input(description="A file uploaded with POST /v1/media, sent after the text")
class OutgoingAttachmentInput:
    kind: str = strawberry.field(description="image")
    media_id: strawberry.ID


@strawberry.input
class SendMessageInput:
    conversation_id: strawberry.ID
    text: str = strawberry.field(default="", description="May be empty when images are attached")
    idempotency_key: str | None = strawberry.field(
        default=None, description="A retry with the same key returns the first message")
    attachments: list[OutgoingAttachmentInput] | None = strawberry.field(
        default=None, description="At most 10 images (POST /v1/media first)")


@strawberry.input(description="Only the fields given change; null clears assignee and labels")
class UpdateConversationInput:
    id: strawberry.ID
    status: ConversationStatus | None = strawberry.UNSET
    mode: ConversationMode | None = strawberry.UNSET
    assignee_user_id: strawberry.ID | None = strawberry.UNSET
    pinned: bool | None = strawberry.UNSET
    labels: list[str] | None = strawberry.UNSET
    snoozed_until: datetime | None = strawberry.field(default=strawberry.UNSET, description=(
        "Required with status SNOOZED: when it wakes (in the future, at most 90 days ahead)"))


@strawberry.type
class ConversationQuery:
    @strawberry.field(description="The inbox, one page at a time (Relay-style connection)")
    async def conversations(
            self, info: Info,
            filter_: Annotated[ConversationFilterInput | None,
                               strawberry.argument(name="filter")] = None,
            sort: ConversationSort = ConversationSort.RECENT, first: int = 20,
            after: str | None = None) -> Connection[Conversation]:
        principal = info.context.require("read")
        resp = await info.context.state.conversations.list_conversations(
            principal.tenant_id, filter=_filter(principal, filter_), sort=sort.value,
            page_size=page_size(first), cursor=after or "")
        return connection([Conversation.from_proto(c) for c in resp.conversations],
                          resp.page_info)

    @strawberry.field(description="null when there is no such conversation (for this tenant)")
    async def conversation(self, info: Info, id: strawberry.ID) -> Conversation | None:
        info.context.require("read")
        # Checked here: one malformed id must not fail the batch it is loaded with.
        found = await info.context.loaders.conversations.load(_uuid(id, "id"))
        return Conversation.from_proto(found) if found is not None else None

    @strawberry.field(description="Messages of a conversation, newest first")
    async def messages(self, info: Info, conversation_id: strawberry.ID, first: int = 50,
                       after: str | None = None) -> Connection[Message]:
        return await message_page(info.context, str(conversation_id), first, after)


@strawberry.type
class ConversationMutation:
    @strawberry.mutation(description="Send a text and/or images to the buyer; delivery is "
                                     "asynchronous")
    async def send_message(self, info: Info, input: SendMessageInput) -> Message:
        principal = info.context.require("write")
        sent = await info.context.state.conversations.send_message(
            principal.tenant_id, str(input.conversation_id), input.text,
            idempotency_key=input.idempotency_key or "",
            sender_user_id=str(principal.user_id) if principal.user_id else "",
            attachments=[pb.OutgoingAttachment(kind=a.kind, media_id=str(a.media_id))
                         for a in input.attachments or []])
        return Message.from_proto(sent)

    @strawberry.mutation
    async def update_conversation(self, info: Info,
                                  input: UpdateConversationInput) -> Conversation:
        tenant_id = info.context.require("write").tenant_id
        updated = await update_conversation(info.context.state, tenant_id, update_request(input))
        return Conversation.from_proto(updated)

    @strawberry.mutation(description="Zero the unread count")
    async def mark_read(self, info: Info, conversation_id: strawberry.ID) -> Conversation:
        tenant_id = info.context.require("write").tenant_id
        read = await info.context.state.conversations.mark_read(tenant_id, str(conversation_id))
        return Conversation.from_proto(read)


def update_request(input: UpdateConversationInput) -> pb.UpdateConversationRequest:
    """Absent fields stay out of update_fields; null means "clear" where that makes sense."""
    request = pb.UpdateConversationRequest(id=str(input.id))
    if input.status is not strawberry.UNSET:
        request.status = _not_null(input.status, "status").value
        request.update_fields.append("status")
    if input.mode is not strawberry.UNSET:
        request.mode = _not_null(input.mode, "mode").value
        request.update_fields.append("mode")
    if input.assignee_user_id is not strawberry.UNSET:
        request.assignee_user_id = str(input.assignee_user_id or "")
        request.update_fields.append("assignee_user_id")
    if input.pinned is not strawberry.UNSET:
        request.pinned = _not_null(input.pinned, "pinned")
        request.update_fields.append("pinned")
    if input.labels is not strawberry.UNSET:
        request.labels.extend(input.labels or [])
        request.update_fields.append("labels")
    if input.snoozed_until is not strawberry.UNSET and input.snoozed_until is not None:
        request.snoozed_until.FromDatetime(input.snoozed_until)
    if not request.update_fields:
        raise bad_input("nothing to change: give status, mode, assigneeUserId, pinned or labels")
    return request


def _filter(principal: Principal,
            f: ConversationFilterInput | None) -> pb.ConversationFilter | None:
    if f is None:
        return None
    return pb.ConversationFilter(
        status=f.status.value if f.status else 0, mode=f.mode.value if f.mode else 0,
        unread_only=f.unread_only, channel_id=str(f.channel_id or ""),
        needs_manager=f.needs_manager, labels=f.labels or [], query=f.query or "",
        **assignee_filter(principal, f.assignee))


def _not_null(value: T | None, name: str) -> T:
    if value is None:
        raise bad_input(f"`{name}` cannot be null; leave it out to keep the current value")
    return value


def _uuid(value: str, name: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise bad_input(f"`{name}` is not a valid id") from None
