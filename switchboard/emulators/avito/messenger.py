"""Avito Messenger routes: chats, messages, sending and read marks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from switchboard.emulators.avito import render
from switchboard.emulators.avito.emulator import EmulatorDep
from switchboard.emulators.avito.errors import api_error, validation_error
from switchboard.emulators.avito.guard import authorized
from switchboard.emulators.avito.schemas import SendMessageBody
from switchboard.emulators.avito.state import Account, Chat, list_chats

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
    item_ids: ListParam = None,
    chat_types: ListParam = None,
    unread_only: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    chats = list_chats(account, _chat_types(chat_types), _item_ids(item_ids), unread_only)
    page = chats[offset:offset + limit]
    return {"chats": [render.chat(c, account) for c in page],
            "meta": {"has_more": offset + limit < len(chats)}}


def _split(values: list[str] | None) -> list[str]:
    """Clients send both `a,b` and repeated keys; accept either."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _chat_types(values: list[str] | None) -> set[str]:
    # Without chat_types Avito returns item chats only.
    types = set(_split(values)) or {"u2i"}
    if unknown := types - CHAT_TYPES:
        raise validation_error({"chat_types": f"unknown chat types: {', '.join(sorted(unknown))}"})
    return types


def _item_ids(values: list[str] | None) -> set[int]:
    try:
        return {int(value) for value in _split(values)}
    except ValueError:
        raise validation_error({"item_ids": "item ids must be integers"}) from None


def _chat(account: Account, chat_id: str) -> Chat:
    chat = account.chats.get(chat_id)
    if chat is None:
        raise api_error(404)
    return chat


@router.get("/messenger/v2" + CHAT)
async def get_chat(
    chat_id: str, account: Annotated[Account, Depends(authorized("chat"))],
) -> dict[str, Any]:
    return render.chat(_chat(account, chat_id), account)


@router.get("/messenger/v3" + CHAT + "/messages/")
@router.get("/messenger/v3" + CHAT + "/messages", include_in_schema=False)
async def list_messages(
    chat_id: str,
    account: Annotated[Account, Depends(authorized("messages"))],
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Newest first; reading the history does not mark it read."""
    newest_first = _chat(account, chat_id).messages[::-1]
    return {"messages": [render.message(m, account.user_id)
                         for m in newest_first[offset:offset + limit]]}


@router.post("/messenger/v1" + CHAT + "/messages")
async def send_message(
    chat_id: str,
    body: SendMessageBody,
    account: Annotated[Account, Depends(authorized("send"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    message = emulator.send_text(account, _chat(account, chat_id), body.message.text)
    return {"id": message.id, "created": message.created, "direction": "out",
            "type": message.type, "content": message.content}


@router.post("/messenger/v1" + CHAT + "/read")
async def mark_read(
    chat_id: str,
    account: Annotated[Account, Depends(authorized("read"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    emulator.store.mark_read(account, _chat(account, chat_id))
    return {"ok": True}
