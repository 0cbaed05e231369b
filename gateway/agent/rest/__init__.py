"""REST of the agent: settings, preview, usage, audit (`agent`) and the knowledge base
(`knowledge`)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.agent.rest import agent, knowledge

router = APIRouter()
for part in (agent, knowledge):
    router.include_router(part.router)
