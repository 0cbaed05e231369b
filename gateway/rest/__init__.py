"""The REST API, mounted under /v1 by create_app. One include_router per domain."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.rest import (
    agent,
    api_keys,
    auth,
    channel_accounts,
    channels,
    conversations,
    events,
    knowledge,
    media,
    message_actions,
)

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(api_keys.router)
api_router.include_router(conversations.router)
api_router.include_router(message_actions.router)
api_router.include_router(media.router)
api_router.include_router(channels.router)
api_router.include_router(channel_accounts.router)
api_router.include_router(events.router)
api_router.include_router(agent.router)
api_router.include_router(knowledge.router)
