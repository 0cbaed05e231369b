"""REST of the agent: settings, preview, usage, audit (`agent`), the knowledge base
(`knowledge`), the seller's synonyms (`synonyms`) and the questions it could not answer
(`unanswered`)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.agent.rest import agent, knowledge, synonyms, unanswered

router = APIRouter()
for part in (agent, knowledge, synonyms, unanswered):
    router.include_router(part.router)
