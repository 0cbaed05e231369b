"""REST of the inbox: conversations and messages (`inbox`), acting on a message or buyer
(`actions`), media for replies (`media`), private notes (`notes`), live events as SSE (`events`)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.conversations.rest import actions, events, inbox, media, notes

router = APIRouter()
for part in (inbox, actions, media, notes, events):
    router.include_router(part.router)
