"""REST: a manager's private note on a conversation (`POST /v1/conversations/{id}/notes`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field

from gateway.auth import AUTH_PROBLEMS, Writer, problem_responses
from gateway.conversations.notes import MAX_IDEMPOTENCY_KEY_CHARS, MAX_NOTE_CHARS, add_note
from gateway.conversations.schemas import MessageOut
from gateway.state import State

router = APIRouter(prefix="/conversations", tags=["conversations"])


class NewNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_NOTE_CHARS,
                      description="Seen by your team in the inbox, never by the buyer")


@router.post("/{conversation_id}/notes", status_code=201, response_model=MessageOut,
             responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def create_note(
        conversation_id: str, body: NewNote, principal: Writer, state: State,
        idempotency_key: Annotated[str, Header(max_length=MAX_IDEMPOTENCY_KEY_CHARS)] = "",
) -> MessageOut:
    """Add a private note (a message of content type `note`, sender `user`: the user's id, or
    none for an API key). Never sent to the channel; live clients get `note.added`. A retry
    with the same `Idempotency-Key` returns the first note."""
    return MessageOut.from_proto(await add_note(state, principal, conversation_id, body.text,
                                                idempotency_key=idempotency_key))
