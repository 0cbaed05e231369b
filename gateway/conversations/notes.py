"""A person's private note on a conversation, for REST and GraphQL alike: content type "note",
never sent to the channel, announced live as `note.added`. The author is the caller: a user
(their id as the sender) or an API key (sender "user" with no id, as its replies are)."""

from __future__ import annotations

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.identity.principal import Principal
from gateway.state import GatewayState
from services.kernel.errors import InvalidArgument

# The conversations service's bound on a note (services/conversations/outgoing/notes.py).
MAX_NOTE_CHARS = 4000
MAX_IDEMPOTENCY_KEY_CHARS = 128  # what the messages table stores


async def add_note(state: GatewayState, principal: Principal, conversation_id: str, text: str, *,
                   idempotency_key: str = "") -> pb.Message:
    """The stored note; InvalidArgument for empty or too long text (or a NUL, refused by the
    service), NotFound for a conversation that is not the caller's tenant's."""
    if len(idempotency_key) > MAX_IDEMPOTENCY_KEY_CHARS:
        raise InvalidArgument(f"idempotency_key is at most {MAX_IDEMPOTENCY_KEY_CHARS} characters")
    return await state.conversations.add_note(
        principal.tenant_id, conversation_id, text, author=pb.SENDER_KIND_USER,
        author_user_id=str(principal.user_id) if principal.user_id else "",
        idempotency_key=idempotency_key)
