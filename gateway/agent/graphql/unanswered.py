"""The questions the agent could not answer in GraphQL: the list (a Relay connection), answering
one with an FAQ entry, dismissing one. Shapes and validation are REST's
(gateway/agent/unanswered.py)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from pydantic import ValidationError

from gateway.agent.unanswered import STATES, AnswerIn, UnansweredOut
from gateway.graphql.context import Info
from gateway.graphql.errors import invalid_input
from gateway.graphql.pagination import Connection, connection, page_size


@strawberry.enum
class UnansweredState(Enum):
    OPEN = "open"
    ANSWERED = "answered"
    DISMISSED = "dismissed"


@strawberry.type(description="A buyer's question the agent handed over for want of an answer")
class UnansweredQuestion:
    id: strawberry.ID
    question: str
    asked_count: int
    first_asked_at: datetime
    last_asked_at: datetime
    conversation_id: strawberry.ID | None
    best_chunk_id: strawberry.ID | None
    best_question: str
    best_score: float
    reason: str
    state: UnansweredState
    answered_document_id: strawberry.ID | None
    resolved_at: datetime | None

    @classmethod
    def from_out(cls, q: UnansweredOut) -> UnansweredQuestion:
        return cls(**{**q.model_dump(), "state": UnansweredState(q.state)})


@strawberry.type
class UnansweredAnswered:
    question: UnansweredQuestion
    document_id: strawberry.ID


@strawberry.type
class UnansweredQuery:
    @strawberry.field(description=(
        "Questions the agent could not answer, the latest asked first (REST: "
        "GET /v1/agent/unanswered)"))
    async def unanswered_questions(self, info: Info, state: UnansweredState = UnansweredState.OPEN,
                                   first: int = 50,
                                   after: str | None = None) -> Connection[UnansweredQuestion]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.agent.list_unanswered(
            tenant_id, state=STATES[state.value], page_size=page_size(first), cursor=after or "")
        return connection([UnansweredQuestion.from_out(UnansweredOut.from_proto(q))
                           for q in resp.questions], resp.page_info)


@strawberry.type
class UnansweredMutation:
    @strawberry.mutation(description=(
        "Add the answer to the knowledge base as an FAQ entry (question: `question` or the "
        "buyer's wording) and mark the question answered"))
    async def answer_unanswered_question(self, info: Info, id: strawberry.ID, answer: str,
                                         question: str = "") -> UnansweredAnswered:
        tenant_id = info.context.require("write").tenant_id
        try:
            body = AnswerIn(answer=answer, question=question)
        except ValidationError as exc:
            raise invalid_input(exc) from exc
        resp = await info.context.state.agent.answer_unanswered(
            tenant_id, str(id), question=body.question, answer=body.answer)
        return UnansweredAnswered(
            question=UnansweredQuestion.from_out(UnansweredOut.from_proto(resp.question)),
            document_id=strawberry.ID(resp.document_id))

    @strawberry.mutation(description="Hide the question from the list")
    async def dismiss_unanswered_question(self, info: Info,
                                          id: strawberry.ID) -> UnansweredQuestion:
        tenant_id = info.context.require("write").tenant_id
        return UnansweredQuestion.from_out(UnansweredOut.from_proto(
            await info.context.state.agent.dismiss_unanswered(tenant_id, str(id))))
