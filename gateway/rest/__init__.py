"""The REST API, mounted under /v1 by create_app: each domain's routes, assembled. Routes,
schemas and their validation live in the domains (gateway/<domain>/rest*, schemas.py)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.agent import rest as agent
from gateway.analytics import rest as analytics
from gateway.channels import rest as channels
from gateway.conversations import rest as conversations
from gateway.exports import rest as exports
from gateway.identity import rest as identity
from gateway.integrations import rest as integrations
from gateway.plans import rest as plans
from gateway.scheduling import rest as scheduling
from gateway.telegram import rest as telegram

api_router = APIRouter()
for domain in (identity, conversations, channels, agent, telegram, scheduling, analytics,
               exports, integrations, plans):
    api_router.include_router(domain.router)
