"""The seller's synonym groups in GraphQL: words that mean the same in this shop, used by the
agent's retrieval on its next search (resource `knowledge`)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from clients.rpc.gen.switchboard.agent.v1 import knowledge_service_pb2 as pb
from gateway.graphql.context import Info
from gateway.graphql.values import timestamp


@strawberry.type(description="Words or short phrases that mean the same in this shop")
class SynonymGroup:
    id: strawberry.ID
    words: list[str] = strawberry.field(description="Lower case, as stored")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, g: pb.SynonymGroup) -> SynonymGroup:
        return cls(id=strawberry.ID(g.id), words=list(g.words),
                   created_at=timestamp(g, "created_at"), updated_at=timestamp(g, "updated_at"))


@strawberry.type
class SynonymQuery:
    @strawberry.field(description="The seller's synonym groups, oldest first (at most 500)")
    async def synonym_groups(self, info: Info) -> list[SynonymGroup]:
        tenant_id = info.context.require("read").tenant_id
        groups = await info.context.state.knowledge.list_synonym_groups(tenant_id)
        return [SynonymGroup.from_proto(g) for g in groups]


@strawberry.type
class SynonymMutation:
    @strawberry.mutation(description=(
        "Add a group (no id) or replace group `id`: 2 to 20 words or short phrases of 1..60 "
        "characters; BAD_USER_INPUT (problem synonym-group-invalid) otherwise or past 500 "
        "groups"))
    async def put_synonym_group(self, info: Info, words: list[str],
                                id: strawberry.ID | None = None) -> SynonymGroup:
        tenant_id = info.context.require("write").tenant_id
        group = await info.context.state.knowledge.put_synonym_group(
            tenant_id, words, str(id or ""))
        return SynonymGroup.from_proto(group)

    @strawberry.mutation(description="Delete a synonym group; true when done")
    async def delete_synonym_group(self, info: Info, id: strawberry.ID) -> bool:
        tenant_id = info.context.require("write").tenant_id
        await info.context.state.knowledge.delete_synonym_group(tenant_id, str(id))
        return True
