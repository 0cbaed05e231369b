"""REST: acting on one message or buyer — play a voice message, delete a reply, block a buyer."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from gateway.auth import AUTH_PROBLEMS, Reader, Writer, problem_responses
from gateway.conversations.blocking import block_buyer
from gateway.conversations.schemas import BLOCK_REASONS, BlockedOut, BlockRequest, MessageOut
from gateway.errors import ProblemError
from gateway.state import State

router = APIRouter(prefix="/conversations", tags=["conversations"])


@router.get("/{conversation_id}/messages/{message_id}/voice", status_code=307,
            response_class=RedirectResponse,
            responses={307: {"description": "To a fresh download URL (valid for about an hour)"},
                       **AUTH_PROBLEMS, **problem_responses(404, 409, 503)})
async def voice(conversation_id: str, message_id: str, principal: Reader,
                state: State) -> RedirectResponse:
    """Play a buyer's voice message: Avito's links expire after an hour, so a fresh one is
    fetched (and cached for 50 minutes) each time. Opus in an .mp4 container. A Telegram
    channel's voice message redirects to its file on this API (`/v1/channels/{id}/files/…`)."""
    message = await state.conversations.get_message(principal.tenant_id, conversation_id,
                                                     message_id)
    recording = next((a for a in message.attachments if a.kind == "voice" and a.external_id),
                     None)
    if recording is None:
        raise ProblemError(404, "the message has no voice recording")
    if recording.url.startswith("/v1/channels/"):  # a Telegram channel's file, read by us
        return RedirectResponse(recording.url, status_code=307,
                                headers={"Cache-Control": "no-store"})
    conversation = await state.conversations.get_conversation(principal.tenant_id,
                                                               conversation_id)
    found = await state.channels.get_voice_url(principal.tenant_id, conversation.channel_id,
                                               recording.external_id)
    return RedirectResponse(found.url, status_code=307, headers={"Cache-Control": "no-store"})


@router.delete("/{conversation_id}/messages/{message_id}", status_code=202,
               response_model=MessageOut,
               responses={**AUTH_PROBLEMS, **problem_responses(404, 409)})
async def delete_message(conversation_id: str, message_id: str, principal: Writer,
                         state: State) -> MessageOut:
    """Delete one of your replies on the channel (Avito: within an hour of sending). Accepted
    at once; the message becomes `content_type: "deleted"` (event `message.updated`), or
    gets a `failure_reason` if the channel refuses."""
    return MessageOut.from_proto(await state.conversations.delete_message(
        principal.tenant_id, conversation_id, message_id))


@router.post("/{conversation_id}/block", response_model=BlockedOut,
             responses={**AUTH_PROBLEMS, **problem_responses(404, 409, 503)})
async def block(conversation_id: str, body: BlockRequest, principal: Writer,
                state: State) -> BlockedOut:
    """Blacklist the conversation's buyer on the channel (Avito: they cannot write to the
    account any more)."""
    conversation = await block_buyer(state, principal.tenant_id, conversation_id,
                                     BLOCK_REASONS[body.reason])
    return BlockedOut(conversation_id=conversation.id,
                      external_user_id=conversation.contact.external_user_id, reason=body.reason)
