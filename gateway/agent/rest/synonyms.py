"""REST: the seller's synonym groups — words that mean the same in this shop, used by the
agent's retrieval on its next search (resource `knowledge`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from gateway.agent.schemas import SynonymGroupIn, SynonymGroupList, SynonymGroupOut
from gateway.auth import AUTH_PROBLEMS, Reader, Writer, problem_responses
from gateway.state import State

router = APIRouter(prefix="/agent/knowledge/synonyms", tags=["knowledge"])


@router.get("", response_model=SynonymGroupList, responses=AUTH_PROBLEMS)
async def list_groups(principal: Reader, state: State) -> SynonymGroupList:
    """Every group, oldest first (at most 500)."""
    groups = await state.knowledge.list_synonym_groups(principal.tenant_id)
    return SynonymGroupList(items=[SynonymGroupOut.from_proto(g) for g in groups])


@router.post("", status_code=201, response_model=SynonymGroupOut,
             responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def create_group(body: SynonymGroupIn, principal: Writer,
                       state: State) -> SynonymGroupOut:
    """Add a group. 422 (type /problems/synonym-group-invalid) for a group of one word, an
    empty or too long word, more than 20 words, or past 500 groups."""
    group = await state.knowledge.put_synonym_group(principal.tenant_id, body.words)
    return SynonymGroupOut.from_proto(group)


@router.put("/{group_id}", response_model=SynonymGroupOut,
            responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def replace_group(group_id: str, body: SynonymGroupIn, principal: Writer,
                        state: State) -> SynonymGroupOut:
    """Replace a group's words."""
    group = await state.knowledge.put_synonym_group(principal.tenant_id, body.words, group_id)
    return SynonymGroupOut.from_proto(group)


@router.delete("/{group_id}", status_code=204,
               responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def delete_group(group_id: str, principal: Writer, state: State) -> Response:
    await state.knowledge.delete_synonym_group(principal.tenant_id, group_id)
    return Response(status_code=204)
