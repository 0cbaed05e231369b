"""What the agent would say to a buyer's open question: reply or hand over, and why.

Order: the buyer asking for a human -> handoff. No LLM configured (FAQ mode): the best FAQ entry
answers if the confidence in it (knowledge/confidence.py) reaches the threshold, else handoff.
LLM configured: retrieve knowledge (unsure when the same confidence in the best chunk is below
the threshold), hand over if this would be one unsure answer too many, else ask the model
(tools, up to N rounds); a model failure or an open circuit hands over with the reason.

No side effects besides knowledge reads, model calls and the running summary: acting on the
answer (sending, handing over, audit) is the responder's, and a preview acts on nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering import context, tokens
from services.agent.answering.grounding import Knowledge
from services.agent.answering.handoff import asks_for_human
from services.agent.answering.llm import CircuitOpen, Endpoint, LlmClient, LlmFailure
from services.agent.answering.summary import Summaries, Summary
from services.agent.answering.tools import TOOLS, ToolBox
from services.agent.config import AgentSettings
from services.agent.knowledge.confidence import assess
from services.agent.knowledge.retrieval import Hit
from services.agent.repository import AgentUnit
from services.agent.settings.endpoint import EMPTY_ANSWER
from services.agent.settings.rules import Settings
from services.kernel.unit import Units

RETRIEVED = 5


@dataclass(frozen=True)
class Turn:
    tenant_id: uuid.UUID
    settings: Settings
    history: list[conv_pb.Message]  # oldest first, notes left out; ends with the open question
    unanswered: int  # how many of the last messages of `history` wait for an answer
    listing: common.Listing
    conversation_id: uuid.UUID | None = None  # None for a preview
    older: list[conv_pb.Message] = field(default_factory=list)  # before `history`, oldest first

    @property
    def question(self) -> str:
        return "\n".join(m.text.strip() for m in self.history[-self.unanswered:] if m.text.strip())


@dataclass
class Answer:
    outcome: str  # "reply" | "handoff"
    text: str = ""
    reason: str = ""
    kind: int = agent_events.HANDOFF_KIND_UNSPECIFIED
    mode: str = ""  # "faq" | "llm"
    model: str = ""
    hits: list[Hit] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    low_confidence: bool = False
    # Whether the model was asked and how it went: "" (not asked), "ok", or the failure's kind
    # (settings/endpoint.py). The audit keeps it: the agent's health is computed from it.
    model_result: str = ""
    # Why, for the seller (the preview): the FAQ entries weighed, best first, with their scores
    # (FAQ mode; the retrieved chunks in LLM mode), the calibrated confidence in the first
    # (knowledge/confidence.py; None when no FAQ decision was made), and a machine reason code:
    # answered | no_match | below_threshold | no_margin | contradiction:<word> (FAQ mode),
    # asked_for_human, low_confidence_streak, model_answered, model_handoff, model_failure,
    # circuit_open (otherwise). `reason` is the human wording, for a reply too in FAQ mode.
    candidates: list[Hit] = field(default_factory=list)
    confidence: float | None = None
    reason_code: str = ""


def handoff(kind: int, reason: str, **extra: Any) -> Answer:
    return Answer("handoff", reason=reason, kind=kind, **extra)


class Pipeline:
    def __init__(self, units: Units[AgentUnit], knowledge: Knowledge, llm: LlmClient,
                 summaries: Summaries, config: AgentSettings) -> None:
        self.units, self.knowledge, self.llm = units, knowledge, llm
        self.summaries, self.config = summaries, config

    async def answer(self, turn: Turn) -> Answer:
        word = asks_for_human(turn.question, turn.settings.handoff_keywords)
        if word is not None:
            return handoff(agent_events.HANDOFF_KIND_KEYWORDS,
                           f"покупатель просит живого человека («{word}»)",
                           reason_code="asked_for_human")
        if not turn.settings.llm_configured:
            return await self._faq(turn)
        return await self._llm(turn)

    async def _faq(self, turn: Turn) -> Answer:
        s, question = turn.settings, turn.question
        ranked = await self.knowledge.rank_faq(turn.tenant_id, question) if question else []
        verdict = assess(ranked, s.faq_match_threshold)
        why = {"mode": "faq", "hits": ranked[:1], "candidates": ranked,
               "confidence": verdict.confidence, "reason_code": verdict.reason_code}
        if verdict.answer:
            best = ranked[0]
            return Answer("reply", fit_length(best.answer or best.text, s.max_reply_chars),
                          reason=verdict.reason, **why)
        return handoff(agent_events.HANDOFF_KIND_NO_ANSWER,
                       f"нет уверенного ответа: {verdict.reason}", **why)

    async def _llm(self, turn: Turn) -> Answer:
        s = turn.settings
        hits = await self.knowledge.search(turn.tenant_id, turn.question, RETRIEVED) \
            if turn.question else []
        # The threshold is a confidence (knowledge/confidence.py), not a score: the same
        # signals say whether the best chunk stands out, whatever its kind.
        unsure = not assess(hits, s.faq_match_threshold).answer
        base: dict[str, Any] = {"mode": "llm", "model": s.model, "candidates": hits}
        if unsure and await self._unsure_streak(turn) + 1 >= s.low_confidence_limit:
            return handoff(agent_events.HANDOFF_KIND_LOW_CONFIDENCE,
                           f"{s.low_confidence_limit} неуверенных ответа подряд", **base,
                           reason_code="low_confidence_streak")
        endpoint = Endpoint(s.base_url, s.api_key, s.model, s.temperature)
        box = ToolBox(lambda q: self.knowledge.search(turn.tenant_id, q, RETRIEVED), turn.listing)
        usage = [0, 0]
        try:
            summary = await self._summary(turn, endpoint)
            usage = [summary.prompt_tokens, summary.completion_tokens]
            prompt = context.build(s, turn.listing, turn.history, turn.unanswered, hits,
                                   summary.text, TOOLS)
            box.remember(prompt.hits)
            text = await self._converse(turn, endpoint, prompt.messages, box, usage)
        except CircuitOpen as exc:
            return handoff(agent_events.HANDOFF_KIND_CIRCUIT_OPEN, str(exc), **base,
                           model_result=exc.kind, reason_code="circuit_open")
        except LlmFailure as exc:
            return handoff(agent_events.HANDOFF_KIND_LLM_FAILURE, f"ошибка модели: {exc}", **base,
                           prompt_tokens=usage[0], completion_tokens=usage[1],
                           model_result=exc.kind, reason_code="model_failure")
        stats = {**base, "hits": list(box.chunks.values()), "prompt_tokens": usage[0],
                 "completion_tokens": usage[1]}
        if box.handoff_reason is not None:
            return handoff(agent_events.HANDOFF_KIND_TOOL, box.handoff_reason, **stats,
                           model_result="ok", reason_code="model_handoff")
        if not text:
            return handoff(agent_events.HANDOFF_KIND_LLM_FAILURE, "модель не дала ответа",
                           **stats, model_result=EMPTY_ANSWER, reason_code="model_failure")
        return Answer("reply", fit_length(text, s.max_reply_chars), low_confidence=unsure,
                      model_result="ok", reason_code="model_answered", **stats)

    async def _converse(self, turn: Turn, endpoint: Endpoint, messages: list[dict[str, Any]],
                        box: ToolBox, usage: list[int]) -> str:
        """Ask the model, running its tool calls, up to the configured number of rounds."""
        s, rounds = turn.settings, self.config.agent_tool_rounds
        for round_ in range(rounds + 1):
            last = round_ == rounds
            done = await self.llm.complete(
                turn.tenant_id, endpoint, messages, tools=TOOLS,
                tool_choice="none" if last else "auto", max_tokens=s.max_reply_chars // 2 + 64)
            usage[0] += done.prompt_tokens
            usage[1] += done.completion_tokens
            calls = done.message.tool_calls or []
            if not calls or last:
                return (done.message.content or "").strip()
            messages.append({"role": "assistant", "content": done.message.content or "",
                             "tool_calls": [{"id": c.id, "type": "function", "function": {
                                 "name": c.function.name, "arguments": c.function.arguments}}
                                 for c in calls]})
            for call in calls:
                room = s.max_prompt_tokens - tokens.prompt_tokens(messages, TOOLS) - \
                    tokens.PER_MESSAGE * (len(calls) + 1)
                result = await box.run(call.function.name, call.function.arguments,
                                       room // len(calls))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
            if box.handoff_reason is not None:
                return ""
        return ""

    async def _unsure_streak(self, turn: Turn) -> int:
        if turn.conversation_id is None:
            return 0
        async with self.units(turn.tenant_id) as unit:
            return await unit.audit.low_confidence_streak(
                turn.conversation_id, turn.settings.low_confidence_limit)

    async def _summary(self, turn: Turn, endpoint: Endpoint) -> Summary:
        if turn.conversation_id is None or not turn.older:
            return Summary(None)
        return await self.summaries.current(turn.tenant_id, turn.conversation_id, turn.older,
                                            endpoint, turn.settings.reply_language)


def fit_length(text: str, limit: int) -> str:
    """At most `limit` characters, cut after the last whole sentence that fits (or a word)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(mark) for mark in (". ", "! ", "? ", "…", "\n"))
    if end >= limit // 2:
        return head[:end + 1].strip()
    space = head[:limit - 1].rfind(" ")
    return (head[:space] if space > 0 else head[:limit - 1]).rstrip() + "…"
