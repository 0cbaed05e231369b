"""GraphQL: canned replies — listed and rendered by every reader, managed with `admin`."""

from __future__ import annotations

from datetime import datetime

import strawberry

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input
from gateway.graphql.values import optional, timestamp

VARIABLES = "{buyer_name}, {buyer_phone}, {listing_title}, {listing_url}, {price}"


@strawberry.type(description=f"A saved answer; its text may use {VARIABLES}")
class CannedReply:
    id: strawberry.ID
    title: str
    text: str
    shortcut: str | None = strawberry.field(description="Typed as /shortcut in the composer")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, r: pb.CannedReply) -> CannedReply:
        return cls(id=strawberry.ID(r.id), title=r.title, text=r.text,
                   shortcut=optional(r.shortcut), created_at=timestamp(r, "created_at"),
                   updated_at=timestamp(r, "updated_at"))


@strawberry.type(description="A canned reply's text for one conversation (nothing is sent)")
class RenderedCannedReply:
    text: str
    missing: list[str] = strawberry.field(
        description="Variables the conversation has no value for: rendered empty")
    unknown: list[str] = strawberry.field(
        description="Names in braces that are no variable: left as written")


@strawberry.input(description="Only the fields given change; shortcut null removes it")
class UpdateCannedReplyInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    text: str | None = strawberry.UNSET
    shortcut: str | None = strawberry.UNSET


@strawberry.type
class CannedReplyQuery:
    @strawberry.field(description="Your tenant's canned replies (at most 500), by title")
    async def canned_replies(self, info: Info) -> list[CannedReply]:
        tenant_id = info.context.require("read").tenant_id
        found = await info.context.state.conversations.list_canned_replies(tenant_id)
        return [CannedReply.from_proto(r) for r in found]

    @strawberry.field(description="A canned reply rendered with a conversation's values")
    async def render_canned_reply(self, info: Info, id: strawberry.ID,
                                  conversation_id: strawberry.ID) -> RenderedCannedReply:
        tenant_id = info.context.require("read").tenant_id
        done = await info.context.state.conversations.render_canned_reply(
            tenant_id, str(id), str(conversation_id))
        return RenderedCannedReply(text=done.text, missing=list(done.missing),
                                   unknown=list(done.unknown))


@strawberry.type
class CannedReplyMutation:
    @strawberry.mutation(description="Needs admin; a shortcut another reply has is a conflict")
    async def create_canned_reply(self, info: Info, title: str, text: str,
                                  shortcut: str | None = None) -> CannedReply:
        tenant_id = info.context.require("admin").tenant_id
        created = await info.context.state.conversations.create_canned_reply(
            tenant_id, title, text, shortcut or "")
        return CannedReply.from_proto(created)

    @strawberry.mutation(description="Needs admin")
    async def update_canned_reply(self, info: Info, input: UpdateCannedReplyInput) -> CannedReply:
        tenant_id = info.context.require("admin").tenant_id
        request = pb.UpdateCannedReplyRequest(id=str(input.id))
        for name in ("title", "text", "shortcut"):
            value = getattr(input, name)
            if value is strawberry.UNSET:
                continue
            if value is None and name != "shortcut":
                raise bad_input(f"`{name}` cannot be null; leave it out to keep it")
            setattr(request, name, value or "")
            request.update_fields.append(name)
        if not request.update_fields:
            raise bad_input("nothing to change: give title, text or shortcut")
        updated = await info.context.state.conversations.update_canned_reply(tenant_id, request)
        return CannedReply.from_proto(updated)

    @strawberry.mutation(description="Needs admin; true when it was deleted")
    async def delete_canned_reply(self, info: Info, id: strawberry.ID) -> bool:
        tenant_id = info.context.require("admin").tenant_id
        await info.context.state.conversations.delete_canned_reply(tenant_id, str(id))
        return True
