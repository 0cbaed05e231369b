"""REST: the questions the agent could not answer — list, answer with an FAQ entry, dismiss."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gateway.agent.unanswered import (
    STATES,
    AnsweredOut,
    AnswerIn,
    UnansweredOut,
    UnansweredState,
)
from gateway.auth import AUTH_PROBLEMS, Reader, Writer, problem_responses
from gateway.schemas import PageOut
from gateway.state import State

router = APIRouter(prefix="/agent/unanswered", tags=["agent"])
_ERRORS = {**AUTH_PROBLEMS, **problem_responses(404, 422)}


class UnansweredList(BaseModel):
    items: list[UnansweredOut]
    page: PageOut


@router.get("", response_model=UnansweredList, responses=_ERRORS)
async def list_unanswered(principal: Reader, state: State,
                          show: Annotated[UnansweredState, Query(alias="state")] = "open",
                          limit: Annotated[int, Query(ge=1, le=100)] = 50,
                          cursor: str = "") -> UnansweredList:
    """Buyers' questions the agent handed over for want of an answer, the latest asked first;
    the same text (case, ё and punctuation aside) is one row with how often it was asked.
    `state`: open (default), answered (an FAQ entry was added) or dismissed."""
    resp = await state.agent.list_unanswered(principal.tenant_id, state=STATES[show],
                                             page_size=limit, cursor=cursor)
    return UnansweredList(items=[UnansweredOut.from_proto(q) for q in resp.questions],
                          page=PageOut.from_proto(resp.page_info))


@router.post("/{question_id}/answer", response_model=AnsweredOut, responses=_ERRORS)
async def answer(question_id: str, body: AnswerIn, principal: Writer,
                 state: State) -> AnsweredOut:
    """Add the answer to the knowledge base as an FAQ entry (its question: `question`, or the
    buyer's wording) and mark the question answered; the agent answers with it from now on."""
    resp = await state.agent.answer_unanswered(principal.tenant_id, question_id,
                                               question=body.question, answer=body.answer)
    return AnsweredOut(question=UnansweredOut.from_proto(resp.question),
                       document_id=resp.document_id)


@router.post("/{question_id}/dismiss", response_model=UnansweredOut, responses=_ERRORS)
async def dismiss(question_id: str, principal: Writer, state: State) -> UnansweredOut:
    """Hide the question from the list (asked again, it stays hidden)."""
    return UnansweredOut.from_proto(
        await state.agent.dismiss_unanswered(principal.tenant_id, question_id))
