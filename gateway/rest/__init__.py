"""The REST API, mounted under /v1 by create_app. One include_router per domain."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.rest import api_keys, auth, channels, conversations, events

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(api_keys.router)
api_router.include_router(conversations.router)
api_router.include_router(channels.router)
api_router.include_router(events.router)
