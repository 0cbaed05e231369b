"""REST: the inbox — conversations, their messages, replies and read marks."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.auth import Reader, Writer
from gateway.conversations.assignment import assignee_filter
from gateway.conversations.assignment import update_conversation as update_conversation_of
from gateway.conversations.schemas import (
    MODE_TO_PB,
    STATUS_TO_PB,
    ConversationList,
    ConversationOut,
    ConversationPatch,
    MessageList,
    MessageOut,
    Mode,
    NewMessage,
    Status,
)
from gateway.errors import ProblemError
from gateway.schemas import PageOut
from gateway.state import State

router = APIRouter(prefix="/conversations", tags=["conversations"])

_SORTS = {"recent": pb.CONVERSATION_SORT_RECENT, "price": pb.CONVERSATION_SORT_PRICE_ASC,
          "price_desc": pb.CONVERSATION_SORT_PRICE_DESC}
_ERRORS = {401: {"description": "No or invalid credentials"},
           403: {"description": "The key lacks the needed scope"},
           404: {"description": "No such conversation in this tenant"},
           422: {"description": "Invalid parameters (an assignee that is not a user of this tenant)"}}


@router.get("", response_model=ConversationList, responses=_ERRORS)
async def list_conversations(
        principal: Reader, state: State,
        status: Status | None = None, mode: Mode | None = None,
        unread: Annotated[bool, Query(description="Only conversations with unread messages")] = False,
        channel: str | None = None,
        needs_manager: Annotated[bool, Query(
            description="Only conversations the AI handed over that no person took yet")] = False,
        assignee: Annotated[str | None, Query(
            description="A user's id, `me` (the signed-in user) or `none` (unassigned)")] = None,
        label: Annotated[list[str] | None, Query(
            max_length=10, description="Repeat for several: each must be on the conversation")
        ] = None,
        q: Annotated[str, Query(max_length=200, description=(
            "Search: the buyer's name and the listing's title (any part, any case) and the "
            "messages' words (Russian word forms: 'доставкой' finds 'доставка'; \"quotes\", "
            "`or`, `-word`)"))] = "",
        sort: Literal["recent", "price", "price_desc"] = "recent",
        limit: Annotated[int, Query(ge=1, le=100)] = 50, cursor: str = "") -> ConversationList:
    """Pinned conversations come first in every sort, then the rest; the cursor continues
    the same list (same filters, sort and search)."""
    flt = pb.ConversationFilter(status=STATUS_TO_PB[status] if status else 0,
                                mode=MODE_TO_PB[mode] if mode else 0, unread_only=unread,
                                channel_id=channel or "", needs_manager=needs_manager,
                                labels=label or [], query=q,
                                **assignee_filter(principal, assignee))
    resp = await state.conversations.list_conversations(
        principal.tenant_id, filter=flt, sort=_SORTS[sort], page_size=limit, cursor=cursor)
    return ConversationList(
        items=[ConversationOut.from_proto(c) for c in resp.conversations],
        page=PageOut.from_proto(resp.page_info))


@router.get("/{conversation_id}", response_model=ConversationOut, responses=_ERRORS)
async def get_conversation(conversation_id: str, principal: Reader, state: State) -> ConversationOut:
    return ConversationOut.from_proto(
        await state.conversations.get_conversation(principal.tenant_id, conversation_id))


@router.patch("/{conversation_id}", response_model=ConversationOut, responses=_ERRORS)
async def update_conversation(conversation_id: str, patch: ConversationPatch, principal: Writer,
                              state: State) -> ConversationOut:
    fields = sorted(patch.model_fields_set - {"snoozed_until"})
    if not fields:
        raise ProblemError(422, "name at least one of status, mode, assignee_user_id, pinned, "
                                "labels (snoozed_until goes with status snoozed)")
    for name in ("status", "mode", "pinned"):
        if name in fields and getattr(patch, name) is None:
            raise ProblemError(422, f"{name} cannot be null")
    request = pb.UpdateConversationRequest(
        id=conversation_id, update_fields=fields,
        status=STATUS_TO_PB[patch.status] if patch.status else 0,
        mode=MODE_TO_PB[patch.mode] if patch.mode else 0,
        assignee_user_id=patch.assignee_user_id or "", pinned=bool(patch.pinned),
        labels=patch.labels or [])
    if patch.snoozed_until is not None:
        request.snoozed_until.FromDatetime(patch.snoozed_until)
    return ConversationOut.from_proto(
        await update_conversation_of(state, principal.tenant_id, request))


@router.get("/{conversation_id}/messages", response_model=MessageList, responses=_ERRORS)
async def list_messages(conversation_id: str, principal: Reader, state: State,
                        limit: Annotated[int, Query(ge=1, le=100)] = 50,
                        cursor: str = "") -> MessageList:
    resp = await state.conversations.list_messages(
        principal.tenant_id, conversation_id, page_size=limit, cursor=cursor)
    return MessageList(
        items=[MessageOut.from_proto(m) for m in resp.messages],
        page=PageOut.from_proto(resp.page_info))


@router.post("/{conversation_id}/messages", status_code=201, response_model=MessageOut,
             responses=_ERRORS)
async def send_message(
        conversation_id: str, body: NewMessage, principal: Writer, state: State,
        idempotency_key: Annotated[str, Header(max_length=128)] = "") -> MessageOut:
    """Queue a reply: it is stored as `pending` and becomes `sent` or `failed` (see events)."""
    message = await state.conversations.send_message(
        principal.tenant_id, conversation_id, body.text, idempotency_key=idempotency_key,
        sender_user_id=str(principal.user_id) if principal.user_id else "",
        attachments=[pb.OutgoingAttachment(kind=a.kind, media_id=a.media_id)
                     for a in body.attachments])
    return MessageOut.from_proto(message)


@router.post("/{conversation_id}/read", response_model=ConversationOut, responses=_ERRORS)
async def mark_read(conversation_id: str, principal: Writer, state: State) -> ConversationOut:
    """Mark the conversation read here and on the channel (Avito)."""
    return ConversationOut.from_proto(
        await state.conversations.mark_read(principal.tenant_id, conversation_id))
