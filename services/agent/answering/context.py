"""The prompt: instructions, reply language and length, the listing, retrieved knowledge, the
running summary and recent messages -- fitted into the token budget (tokens.py).

What gives way first when the budget is tight: older messages, then the summary, then the
weaker knowledge chunks. The system prompt and the buyer's unanswered messages always stay
(the latter cut from the start if they alone overflow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering import tokens
from services.agent.answering.tools import listing_facts
from services.agent.knowledge.retrieval import Hit
from services.agent.settings.rules import Settings

# Knowledge may take at most this share of what is left after the must-haves.
KNOWLEDGE_SHARE = 0.6
# The system prompt with the seller's instructions may take at most this share of the budget.
INSTRUCTIONS_SHARE = 0.6
LANGUAGES = {"ru": "Russian", "en": "English", "uk": "Ukrainian", "kk": "Kazakh",
             "uz": "Uzbek", "be": "Belarusian", "de": "German"}

SYSTEM_PROMPT = """You are the assistant of an online shop, answering a buyer in a marketplace \
chat on the seller's behalf.
Answer only from the seller's knowledge base, the listing and the conversation. Never invent \
prices, stock, delivery terms, discounts or promises. If the answer is not there, or the buyer \
wants a person, a discount, a complaint or a return handled, call handoff_to_manager. Use \
search_knowledge to look up facts and get_listing for the listing.
Reply in {language}, politely and briefly, as plain text without Markdown, in at most \
{max_chars} characters."""


@dataclass(frozen=True)
class Prompt:
    messages: list[dict[str, Any]]
    hits: list[Hit]  # the knowledge chunks that made it into the prompt
    tokens: int


def system_text(settings: Settings, listing: common.Listing, instructions: str) -> str:
    parts = [SYSTEM_PROMPT.format(
        language=LANGUAGES.get(settings.reply_language, settings.reply_language),
        max_chars=settings.max_reply_chars)]
    if instructions:
        parts.append("The seller's instructions:\n" + instructions)
    facts = listing_facts(listing)
    if facts:
        price = f", price {facts['price_rub']:g} RUB" if "price_rub" in facts else ""
        parts.append(f"The buyer writes about the listing: {facts['title']}{price} {facts['url']}".strip())
    return "\n\n".join(parts)


def chat_message(m: conv_pb.Message) -> dict[str, Any]:
    """A stored message as a chat turn: the buyer is `user`, anyone on our side `assistant`."""
    role = "user" if m.sender == conv_pb.SENDER_KIND_CONTACT else "assistant"
    body = m.text.strip()
    extras = [a.transcript or f"[{a.kind}]" for a in m.attachments]
    if not body and not extras:
        body = f"[{m.content_type}]"
    return {"role": role, "content": "\n".join([body, *extras]).strip()}


def build(settings: Settings, listing: common.Listing, history: list[conv_pb.Message],
          unanswered: int, hits: list[Hit], summary: str | None,
          tools: list[dict[str, Any]] | None) -> Prompt:
    """`history` oldest first; its last `unanswered` messages are the buyer's open question."""
    budget = settings.max_prompt_tokens
    system = {"role": "system", "content": system_text(settings, listing, _instructions(
        settings, listing, tools))}
    turns = [chat_message(m) for m in history]
    split = len(turns) - unanswered
    older, question = turns[:split], turns[split:]
    fixed = [system, *question]
    used = tokens.prompt_tokens(fixed, tools)
    if used > budget:
        question = _cut_question(question, budget - tokens.prompt_tokens([system], tools))
        used = tokens.prompt_tokens([system, *question], tools)
    knowledge, kept_hits, cost = _knowledge(hits, int((budget - used) * KNOWLEDGE_SHARE))
    used += cost
    extra: list[dict[str, Any]] = []
    if summary:
        note = {"role": "system", "content": "Earlier in this conversation (summary): " + summary}
        if used + tokens.message_tokens(note) <= budget:
            extra.append(note)
            used += tokens.message_tokens(note)
    recent: list[dict[str, Any]] = []
    for turn in reversed(older):
        cost = tokens.message_tokens(turn)
        if used + cost > budget:
            break
        recent.insert(0, turn)
        used += cost
    messages = [system, *knowledge, *extra, *recent, *question]
    return Prompt(messages, kept_hits, tokens.prompt_tokens(messages, tools))


def _instructions(settings: Settings, listing: common.Listing,
                  tools: list[dict[str, Any]] | None) -> str:
    """The seller's instructions, cut if they alone would crowd out the conversation."""
    base = tokens.prompt_tokens([{"role": "system", "content": system_text(settings, listing, "")}],
                                tools)
    room = int(settings.max_prompt_tokens * INSTRUCTIONS_SHARE) - base
    return tokens.truncate(settings.instructions, room)


def _knowledge(hits: list[Hit], allowance: int) -> tuple[list[dict[str, Any]], list[Hit], int]:
    """The best chunks that fit `allowance` tokens, as one system message."""
    header = "The seller's knowledge base (most relevant first):"
    lines, kept = [header], []
    for hit in hits:
        line = f"[{len(kept) + 1}] {hit.text.strip()}"
        candidate = {"role": "system", "content": "\n".join([*lines, line])}
        if tokens.message_tokens(candidate) > allowance:
            continue
        lines.append(line)
        kept.append(hit)
    if not kept:
        return [], [], 0
    message = {"role": "system", "content": "\n".join(lines)}
    return [message], kept, tokens.message_tokens(message)


def _cut_question(question: list[dict[str, Any]], allowance: int) -> list[dict[str, Any]]:
    """The buyer's messages as one turn, keeping their end (the newest words) within allowance."""
    text = "\n".join(q["content"] for q in question)
    room = max(allowance - tokens.PER_MESSAGE, 1)
    while tokens.count(text) > room and len(text) > 1:
        text = text[len(text) // 8 or 1:]
    return [{"role": "user", "content": text}]
