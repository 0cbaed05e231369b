"""Questions the agent could not answer: which handoffs count, how repeats are grouped, and the
seller's two answers to one — an FAQ entry added to the knowledge base in one step, or dismiss.

Counted: live handoffs for want of an answer (no FAQ entry good enough, unsure answers in a row,
the model calling the handoff tool). Not counted: a buyer asking for a human, the model failing,
guardrails, previews. Repeats group by the same normalised text (lower case, ё as е, words
only): cheap, and catches the same question asked by many buyers or twice by one.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from services.agent.answering.pipeline import Answer
from services.agent.audit.models import AuditEntry, UnansweredQuestion
from services.agent.knowledge.domain import Upload
from services.agent.knowledge.service import KnowledgeService, Outcome
from services.agent.repository import AgentUnit
from services.kernel.errors import Internal, InvalidArgument, NotFound
from services.kernel.repository import page_size
from services.kernel.unit import Units

OPEN, ANSWERED, DISMISSED = "open", "answered", "dismissed"
STATES = (OPEN, ANSWERED, DISMISSED)
COUNTED_KINDS = frozenset({agent_events.HANDOFF_KIND_NO_ANSWER,
                           agent_events.HANDOFF_KIND_LOW_CONFIDENCE,
                           agent_events.HANDOFF_KIND_TOOL})
MAX_KEPT_QUESTION = 1000  # what the list shows of a long message
MAX_KEY = 500  # the grouping key stays within a btree entry
MAX_FAQ_QUESTION, MAX_FAQ_ANSWER = 1000, 4000
_WORD = re.compile(r"\w+")


def question_key(question: str) -> str:
    """The text repeats are grouped by: "Доставка в Казахстан?" == "доставка  в казахстан"."""
    return " ".join(_WORD.findall(question.lower().replace("ё", "е")))[:MAX_KEY]


def counts(answer: Answer, question: str, preview: bool) -> bool:
    return (answer.outcome == "handoff" and answer.kind in COUNTED_KINDS and not preview
            and bool(question_key(question)))


def faq_upload(question: str, answer: str) -> Upload:
    """One FAQ entry as the knowledge base takes it: a CSV with «вопрос» and «ответ»."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows([["вопрос", "ответ"], [question, answer]])
    title = " ".join(question.replace("/", " ").replace("\\", " ").split())[:80]  # a file name
    return Upload(f"Ответ покупателю — {title}.csv", "text/csv", out.getvalue().encode())


@dataclass(frozen=True)
class FaqEntry:
    question: str
    answer: str


def checked_entry(buyer_question: str, question: str, answer: str) -> FaqEntry:
    question = question.strip() or buyer_question
    answer = answer.strip()
    if not answer:
        raise InvalidArgument("write the answer: it is what the agent will send to buyers")
    if len(question) > MAX_FAQ_QUESTION:
        raise InvalidArgument(f"the question must be at most {MAX_FAQ_QUESTION} characters")
    if len(answer) > MAX_FAQ_ANSWER:
        raise InvalidArgument(f"the answer must be at most {MAX_FAQ_ANSWER} characters")
    return FaqEntry(question, answer)


async def record(unit: AgentUnit, entry: AuditEntry, answer: Answer, question: str,
                 now: datetime) -> None:
    """Count the handoff of `entry` (the caller checked `counts`): a new row or a repeat."""
    best = max(answer.candidates or answer.hits, key=lambda h: h.score, default=None)
    await unit.unanswered.upsert({
        "question_key": question_key(question), "question": question.strip()[:MAX_KEPT_QUESTION],
        "first_asked_at": now, "last_asked_at": now, "conversation_id": entry.conversation_id,
        "audit_id": entry.id, "best_chunk_id": best.chunk_id if best else None,
        "best_question": (best.question or best.text)[:MAX_KEPT_QUESTION] if best else "",
        "best_score": best.score if best else 0.0, "reason": answer.reason})


class UnansweredQuestions:
    def __init__(self, units: Units[AgentUnit], knowledge: KnowledgeService) -> None:
        self.units, self.knowledge = units, knowledge

    async def page(self, unit: AgentUnit, state: str, size: int,
                   cursor: str) -> tuple[list[UnansweredQuestion], str]:
        return await unit.unanswered.list_page(state, page_size(size), cursor)

    async def answer(self, tenant_id: uuid.UUID, id_: uuid.UUID, question: str,
                     answer: str) -> tuple[UnansweredQuestion, uuid.UUID]:
        """Parse (and embed) the entry outside a transaction, then store it and mark the row
        answered in one: both happen or neither."""
        async with self.units(tenant_id) as unit:
            row = await self._get(unit, id_)
            entry = checked_entry(row.question, question, answer)
        [prepared] = await self.knowledge.prepare_uploads(
            tenant_id, [faq_upload(entry.question, entry.answer)])
        if isinstance(prepared, Outcome):  # the parser refused the text
            raise InvalidArgument(f"the entry could not be added: {prepared.error}")
        async with self.units(tenant_id) as unit:
            [outcome] = await self.knowledge.store_uploads(unit, [prepared])
            if outcome.document is None:  # the database refused it: not the seller's doing
                raise Internal(f"the entry could not be stored: {outcome.error}")
            row = await self._get(unit, id_)
            await unit.unanswered.resolve(row, ANSWERED, outcome.document.id)
        return row, outcome.document.id

    async def dismiss(self, unit: AgentUnit, id_: uuid.UUID) -> UnansweredQuestion:
        row = await self._get(unit, id_)
        await unit.unanswered.resolve(row, DISMISSED, None)
        return row

    @staticmethod
    async def _get(unit: AgentUnit, id_: uuid.UUID) -> UnansweredQuestion:
        row = await unit.unanswered.get(id_)
        if row is None:
            raise NotFound(f"unanswered question {id_} not found")
        return row
