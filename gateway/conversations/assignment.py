"""Changing a conversation (status, mode, assignee, pinned, labels), for REST and GraphQL alike:
an assignee must be a user of the caller's tenant. Users live in the gateway's own `identity`
schema, so the gateway checks it (RLS-scoped) before conversations stores the id."""

from __future__ import annotations

import uuid

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.identity.principal import Principal
from gateway.state import GatewayState
from services.kernel.errors import InvalidArgument


async def update_conversation(state: GatewayState, tenant_id: uuid.UUID,
                              request: pb.UpdateConversationRequest) -> pb.Conversation:
    """The conversation after the change; InvalidArgument (422) for an assignee that is not
    one of the tenant's users (another tenant's user and a made-up id read the same)."""
    if "assignee_user_id" in request.update_fields and request.assignee_user_id:
        await _check_assignee(state, tenant_id, request.assignee_user_id)
    return await state.conversations.update_conversation(tenant_id, request)


async def _check_assignee(state: GatewayState, tenant_id: uuid.UUID, value: str) -> None:
    try:
        user_id = uuid.UUID(value)
    except ValueError:
        raise InvalidArgument("assignee_user_id is not a valid id") from None
    if not await state.identity.user_is_active(tenant_id, user_id):
        raise InvalidArgument(f"assignee_user_id: no active user {user_id} in this tenant "
                              "(GET /v1/users?active=true lists who can be assigned)")


def assignee_filter(principal: Principal, value: str | None) -> dict[str, str | bool]:
    """The list filter's fields for `assignee`: a user's id, `me` or `none` (unassigned)."""
    if value is None or value == "":
        return {}
    if value == "none":
        return {"unassigned": True}
    if value == "me":
        if principal.user_id is None:
            raise InvalidArgument("assignee=me needs a signed-in user (an API key is no one); "
                                  "give the user's id")
        return {"assignee_user_id": str(principal.user_id)}
    try:
        return {"assignee_user_id": str(uuid.UUID(value))}
    except ValueError:
        raise InvalidArgument("assignee is a user's id, `me` or `none`") from None
