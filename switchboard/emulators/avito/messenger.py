"""Avito Messenger routes: chats, messages, sending text, read marks, deleting, blacklist.
Images and voice files are in media_routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from switchboard.emulators.avito import render
from switchboard.emulators.avito.emulator import EmulatorDep, PublicBase
from switchboard.emulators.avito.errors import api_error, validation_error
from switchboard.emulators.avito.guard import authorized
from switchboard.emulators.avito.model import Account, Chat, NotFound, Refused
from switchboard.emulators.avito.schemas import BlacklistBody, SendMessageBody
from switchboard.emulators.avito.state import list_chats, newest_first

router = APIRouter()
CHAT_TYPES = frozenset({"u2i", "u2u", "a2u"})
ACCOUNT = "/accounts/{user_id}"
CHAT = ACCOUNT + "/chats/{chat_id}"
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1000)]
ListParam = Annotated[list[str] | None, Query()]


@router.get("/messenger/v2" + ACCOUNT + "/chats")
async def get_chats(
    account: Annotated[Account, Depends(authorized("chats"))],
    base: PublicBase,
    item_ids: ListParam = None,
    chat_types: ListParam = None,
    unread_only: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    page, has_more = list_chats(account, _chat_types(chat_types), _item_ids(item_ids),
                                unread_only, offset, limit)
    return {"chats": [render.chat(c, account, base) for c in page], "meta": {"has_more": has_more}}


def split_list(values: list[str] | None) -> list[str]:
    """Clients send both `a,b` and repeated keys; accept either."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _chat_types(values: list[str] | None) -> set[str]:
    # Without chat_types Avito returns item chats only.
    types = set(split_list(values)) or {"u2i"}
    if unknown := types - CHAT_TYPES:
        raise validation_error({"chat_types": f"unknown chat types: {', '.join(sorted(unknown))}"})
    return types


def _item_ids(values: list[str] | None) -> set[int]:
    try:
        return {int(value) for value in split_list(values)}
    except ValueError:
        raise validation_error({"item_ids": "item ids must be integers"}) from None


def chat_of(account: Account, chat_id: str) -> Chat:
    chat = account.chats.get(chat_id)
    if chat is None:
        raise api_error(404)
    return chat


@router.get("/messenger/v2" + CHAT)
async def get_chat(
    chat_id: str, account: Annotated[Account, Depends(authorized("chat"))], base: PublicBase,
) -> dict[str, Any]:
    return render.chat(chat_of(account, chat_id), account, base)


@router.get("/messenger/v3" + CHAT + "/messages/")
@router.get("/messenger/v3" + CHAT + "/messages", include_in_schema=False)
async def list_messages(
    chat_id: str,
    account: Annotated[Account, Depends(authorized("messages"))],
    emulator: EmulatorDep,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """Newest first; reading the history does not mark it read."""
    chat = chat_of(account, chat_id)
    messages = [render.message(m, chat) for m in newest_first(chat.messages, offset, limit)]
    return messages if emulator.settings.messages_bare_array else {"messages": messages}


@router.post("/messenger/v1" + CHAT + "/messages")
async def send_message(
    chat_id: str,
    body: SendMessageBody,
    account: Annotated[Account, Depends(authorized("send"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    message = emulator.send_text(account, chat_of(account, chat_id), body.message.text)
    return {"id": message.id, "created": message.created, "direction": "out",
            "type": message.type, "content": message.content}


@router.post("/messenger/v1" + CHAT + "/messages/{message_id}")
async def delete_message(
    chat_id: str,
    message_id: str,
    account: Annotated[Account, Depends(authorized("delete_message"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    """POST, not DELETE: the message turns `deleted` and keeps its place in the history."""
    try:
        emulator.delete_message(account, chat_of(account, chat_id), message_id)
    except NotFound:
        raise api_error(404) from None
    except Refused as refused:
        raise api_error(refused.status, message=refused.message) from None
    return {}


@router.post("/messenger/v1" + CHAT + "/read")
async def mark_read(
    chat_id: str,
    account: Annotated[Account, Depends(authorized("read"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    emulator.store.mark_read(account, chat_of(account, chat_id))
    return {"ok": True}


@router.post("/messenger/v2" + ACCOUNT + "/blacklist")
async def blacklist(
    body: BlacklistBody,
    account: Annotated[Account, Depends(authorized("blacklist"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    """Blocked users can no longer write to the account. The spec defines no response body."""
    for entry in body.users:
        context = entry.context
        emulator.store.block(account, entry.user_id, context.item_id if context else None,
                             context.reason_id if context else None)
    return {}
