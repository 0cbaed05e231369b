"""The tools the model may call: search_knowledge, get_listing, handoff_to_manager."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.agent.answering import tokens
from services.agent.knowledge.retrieval import Hit

SEARCH_RESULTS = 3
# A tool result must not blow the prompt budget: each hit's text is cut to this many tokens.
HIT_TOKENS = 300
# The model's handoff reason goes into a note: keep it a sentence, not an essay.
MAX_REASON = 500

TOOLS: list[dict[str, Any]] = [
    {"type": "function", "function": {
        "name": "search_knowledge",
        "description": "Search the seller's knowledge base (FAQ, documents, listings) for facts "
                       "needed to answer the buyer. Use the buyer's words as the query.",
        "parameters": {"type": "object", "properties": {
            "query": {"type": "string", "description": "What to look for"}},
            "required": ["query"]}}},
    {"type": "function", "function": {
        "name": "get_listing",
        "description": "The listing the buyer is writing about: title, price, link.",
        "parameters": {"type": "object", "properties": {}}}},
    {"type": "function", "function": {
        "name": "handoff_to_manager",
        "description": "Hand the conversation to a human manager when you cannot answer from "
                       "the knowledge base, the buyer asks for a person, or the request needs "
                       "a decision (discounts, complaints, returns).",
        "parameters": {"type": "object", "properties": {
            "reason": {"type": "string", "description": "Why, in one sentence, for the manager"}},
            "required": ["reason"]}}},
]

Search = Callable[[str], Awaitable[list[Hit]]]


def listing_facts(listing: common.Listing) -> dict[str, Any]:
    if not listing.title and not listing.external_id:
        return {}
    facts: dict[str, Any] = {"title": listing.title, "url": listing.url}
    if listing.has_price:
        facts["price_rub"] = listing.price_minor / 100
    return facts


class ToolBox:
    """Runs the model's tool calls for one answer and remembers what they found."""

    def __init__(self, search: Search, listing: common.Listing) -> None:
        self.search, self.listing = search, listing
        self.chunks: dict[uuid.UUID, Hit] = {}
        self.handoff_reason: str | None = None

    def remember(self, hits: list[Hit]) -> None:
        for hit in hits:
            self.chunks.setdefault(hit.chunk_id, hit)

    async def run(self, name: str, arguments: str, room: int = 10_000) -> str:
        """The tool's result, as the JSON text the model reads, within `room` tokens."""
        try:
            args = json.loads(arguments or "{}")
        except json.JSONDecodeError:
            return json.dumps({"error": "arguments are not valid JSON"})
        if not isinstance(args, dict):
            args = {}
        if name == "search_knowledge":
            return await self._search(str(args.get("query", "")), room)
        if name == "get_listing":
            return json.dumps(listing_facts(self.listing) or {"error": "no listing"},
                              ensure_ascii=False)
        if name == "handoff_to_manager":
            reason = str(args.get("reason") or "").strip() or "модель решила передать диалог"
            self.handoff_reason = reason[:MAX_REASON]
            return json.dumps({"ok": True})
        return json.dumps({"error": f"unknown tool {name}"})

    async def _search(self, query: str, room: int) -> str:
        if not query.strip():
            return json.dumps({"error": "query is empty"})
        hits = (await self.search(query))[:SEARCH_RESULTS]
        results: list[dict[str, str]] = []
        for hit in hits:
            entry = {"id": str(hit.chunk_id), "text": tokens.truncate(hit.text, HIT_TOKENS)}
            if tokens.count(json.dumps({"results": [*results, entry]}, ensure_ascii=False)) > room:
                break
            results.append(entry)
            self.remember([hit])
        return json.dumps({"results": results}, ensure_ascii=False)
