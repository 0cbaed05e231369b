"""Runs the agent's FAQ-mode decision over the labelled set, through the service's own code.

Each shop's FAQ goes into a fresh tenant through the upload path (parse, chunk, index, as a
seller's CSV would), then every question is asked twice on real PostgreSQL: `Knowledge.search`
for the ranking (hit@1, hit@3) and the agent's `Pipeline.answer` with the default settings (no
model configured: FAQ mode at the default threshold) for the decision, reply or handoff, exactly
as a buyer's message gets it.

Figures, per part (tuning / holdout), over all the shops' questions together:
- hit@1, hit@3: the right entry first / among the first three, over answerable questions;
- answer precision: of the questions the agent answered, those answered with the right entry
  (an answer to a question that should be handed off is a wrong one);
- answer recall: of the answerable questions, those answered with the right entry;
- handoff correctness: of the questions that must be handed off, those handed off.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering.grounding import Knowledge
from services.agent.answering.llm import LlmClient
from services.agent.answering.pipeline import Pipeline, Turn
from services.agent.answering.summary import Summaries
from services.agent.config import AgentSettings
from services.agent.knowledge.confidence import features
from services.agent.knowledge.domain import Upload
from services.agent.knowledge.retrieval import Embedder
from services.agent.models import OutboxEvent
from services.agent.repository import AgentUnit
from services.agent.settings.rules import Settings
from services.kernel.db import Database
from services.kernel.outbox import Outbox
from services.kernel.unit import Units
from switchboard.bench.knowledge import ingest_upload
from switchboard.bench.retrieval.evalset import HANDOFF, PARTS, Question, Shop

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
NewTenant = Callable[[str], Awaitable[uuid.UUID]]


@dataclass(frozen=True)
class Outcome:
    """What the agent did with one question."""

    shop: str
    question: Question
    ranked: tuple[str, ...]  # entry ids of the first three hits
    score: float  # the agent's confidence in the best FAQ entry (0 without one)
    replied_with: str | None  # the entry whose answer was sent; None for a handoff
    # What the confidence is computed from (knowledge/confidence.FEATURES); None without an entry.
    features: tuple[float, ...] | None = None
    reason_code: str = ""

    @property
    def answered_right(self) -> bool:
        return self.replied_with is not None and self.replied_with == self.question.expected

    def as_dict(self) -> dict[str, Any]:
        return {"shop": self.shop, "question": self.question.text,
                "expected": self.question.expected, "ranked": list(self.ranked),
                "score": round(self.score, 3), "decision": self.replied_with or HANDOFF,
                "features": [round(x, 3) for x in self.features or ()],
                "reason": self.reason_code}


class FaqAgent:
    """The agent's answering pipeline as the service builds it, with the default settings."""

    def __init__(self, db: Database, embedder: Embedder | None = None,
                 settings: Settings | None = None) -> None:
        async def embedder_for(_: uuid.UUID) -> Embedder | None:
            return embedder

        config = AgentSettings()
        units = Units(db, AgentUnit, Outbox(OutboxEvent))
        llm = LlmClient(config)  # never called: no model is configured
        self.knowledge = Knowledge(units, embedder_for)
        self.pipeline = Pipeline(units, self.knowledge, llm, Summaries(units, llm), config)
        self.settings = settings or Settings.resolve()
        self.db, self.embedder = db, embedder

    async def load(self, tenant: uuid.UUID, shop: Shop) -> None:
        upload = Upload(f"{shop.kind}.csv", "text/csv", shop.faq_csv())
        await ingest_upload(self.db, tenant, upload, self.embedder)

    async def ask(self, tenant: uuid.UUID, shop: Shop, question: Question) -> Outcome:
        ids = shop.entry_by_question()
        hits = await self.knowledge.search(tenant, question.text, limit=3)
        buyer = conv_pb.Message(id=str(uuid.uuid4()), sender=conv_pb.SENDER_KIND_CONTACT,
                                content_type="text", text=question.text)
        answer = await self.pipeline.answer(Turn(tenant, self.settings, [buyer], 1,
                                                 common.Listing()))
        ranked = answer.candidates
        replied = ids.get(ranked[0].question) if ranked and answer.outcome == "reply" else None
        return Outcome(shop.kind, question, tuple(ids.get(h.question, "?") for h in hits),
                       answer.confidence or 0.0, replied,
                       features(ranked) if ranked else None, answer.reason_code)


async def run_shops(agent: FaqAgent, shops: Sequence[Shop], new_tenant: NewTenant) -> list[Outcome]:
    outcomes = []
    for shop in shops:
        tenant = await new_tenant(f"Retrieval eval: {shop.kind}")
        await agent.load(tenant, shop)
        for question in shop.questions:
            outcomes.append(await agent.ask(tenant, shop, question))
    return outcomes


def summarise(outcomes: Iterable[Outcome]) -> dict[str, float | int]:
    """The figures of the module docstring over `outcomes`."""
    items = list(outcomes)
    answerable = [o for o in items if o.question.answerable]
    to_hand_off = [o for o in items if not o.question.answerable]
    answered = [o for o in items if o.replied_with is not None]
    return {
        "questions": len(items), "answerable": len(answerable), "handoff": len(to_hand_off),
        "hit@1": _share(o.ranked[:1] == (o.question.expected,) for o in answerable),
        "hit@3": _share(o.question.expected in o.ranked for o in answerable),
        "answer_precision": _share(o.answered_right for o in answered),
        "answer_recall": _share(o.answered_right for o in answerable),
        "handoff_correctness": _share(o.replied_with is None for o in to_hand_off),
        "answered": len(answered),
    }


def by_part(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float | int]]:
    return {part: summarise(o for o in outcomes if o.question.part == part) for part in PARTS}


def threshold_table(outcomes: Sequence[Outcome], part: str = "tuning") -> dict[str, dict[str, float]]:
    """Precision, recall and handoff correctness had the threshold been each of THRESHOLDS
    (from the recorded confidences: the best match is the same at any threshold)."""
    table = {}
    for t in THRESHOLDS:
        rescored = [dataclasses.replace(o, replied_with=o.ranked[0] if o.ranked and o.score >= t
                                        else None)
                    for o in outcomes if o.question.part == part]
        s = summarise(rescored)
        table[f"{t:g}"] = {k: s[k] for k in ("answer_precision", "answer_recall",
                                              "handoff_correctness")}
    return table


def misses(outcomes: Sequence[Outcome], part: str = "tuning") -> list[dict[str, Any]]:
    """The tuning part's wrong decisions and misranked questions, to read (never the holdout's)."""
    return [o.as_dict() for o in outcomes if o.question.part == part and (
        (o.question.answerable and (not o.answered_right or o.ranked[:1] != (o.question.expected,)))
        or (not o.question.answerable and o.replied_with is not None))]


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else float("nan")


async def latencies(agent: FaqAgent, tenant: uuid.UUID, questions: Sequence[str],
                    rounds: int = 1) -> list[float]:
    """Seconds each `match_faq` took (the FAQ-mode lookup, in its own unit of work as the
    pipeline runs it), after one warm-up pass."""
    for text in questions:
        await agent.knowledge.match_faq(tenant, text)
    timings = []
    for _ in range(rounds):
        for text in questions:
            started = time.perf_counter()
            await agent.knowledge.match_faq(tenant, text)
            timings.append(time.perf_counter() - started)
    return timings
