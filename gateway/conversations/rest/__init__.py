"""REST of the inbox: conversations and messages (`inbox`), acting on a message or buyer
(`actions`), media for replies (`media`), private notes (`notes`), canned replies (`canned`),
live events as SSE (`events`)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.conversations.rest import actions, canned, events, inbox, media, notes

router = APIRouter()
for part in (inbox, actions, media, notes, canned, events):
    router.include_router(part.router)
