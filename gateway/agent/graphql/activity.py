"""GraphQL: what the AI agent did and what it cost, as REST's `/v1/agent/usage` and
`/v1/agent/audit` (the same gRPC calls; read scope): usage totals over a range (default 30 days)
and the audit of its runs, newest first, paged."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from gateway.agent.preview import OUTCOMES
from gateway.graphql.context import Info
from gateway.graphql.pagination import Connection, connection, page_size
from gateway.graphql.values import optional, optional_id
from services.kernel.timestamps import to_datetime


@strawberry.type
class ModelUsage:
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_estimate: float


@strawberry.type
class AgentUsage:
    replies: int
    handoffs: int
    skipped: int
    previews: int
    prompt_tokens: int
    completion_tokens: int
    cost_estimate: float = strawberry.field(description="USD, from the per-model price table")
    by_model: list[ModelUsage]
    period_from: datetime | None
    period_to: datetime | None


@strawberry.type
class AgentAuditEntry:
    id: strawberry.ID
    conversation_id: strawberry.ID | None
    channel_id: strawberry.ID | None
    outcome: str = strawberry.field(description="reply | handoff | skipped")
    reason: str
    input_message_ids: list[strawberry.ID]
    chunk_ids: list[strawberry.ID] = strawberry.field(description="The knowledge it used")
    mode: str
    model: str | None
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    cost_estimate: float
    reply_message_id: strawberry.ID | None
    preview: bool
    created_at: datetime | None

    @classmethod
    def from_proto(cls, a: pb.AuditEntry) -> AgentAuditEntry:
        return cls(id=strawberry.ID(a.id), conversation_id=optional_id(a.conversation_id),
                   channel_id=optional_id(a.channel_id), outcome=OUTCOMES[a.outcome],
                   reason=a.reason,
                   input_message_ids=[strawberry.ID(i) for i in a.input_message_ids],
                   chunk_ids=[strawberry.ID(i) for i in a.chunk_ids], mode=a.mode,
                   model=optional(a.model), prompt_tokens=a.prompt_tokens,
                   completion_tokens=a.completion_tokens, latency_ms=a.latency_ms,
                   cost_estimate=a.cost_estimate,
                   reply_message_id=optional_id(a.reply_message_id), preview=a.preview,
                   created_at=to_datetime(a.created_at))


@strawberry.type
class AgentActivityQuery:
    @strawberry.field(description="Automatic replies, handoffs, tokens and the cost estimate "
                                  "over [from, to) (default: the last 30 days)")
    async def agent_usage(self, info: Info,
                          from_: Annotated[datetime | None, strawberry.argument(name="from")]
                          = None, to: datetime | None = None) -> AgentUsage:
        tenant_id = info.context.require("read").tenant_id
        u = await info.context.state.agent.get_usage(tenant_id, from_, to)
        return AgentUsage(
            replies=u.replies, handoffs=u.handoffs, skipped=u.skipped, previews=u.previews,
            prompt_tokens=u.prompt_tokens, completion_tokens=u.completion_tokens,
            cost_estimate=u.cost_estimate,
            by_model=[ModelUsage(model=m.model, prompt_tokens=m.prompt_tokens,
                                 completion_tokens=m.completion_tokens,
                                 cost_estimate=m.cost_estimate) for m in u.by_model],
            period_from=to_datetime(getattr(u, "from")), period_to=to_datetime(u.to))

    @strawberry.field(description="What the agent did, newest first: inputs, knowledge used, "
                                  "model, tokens, latency, cost (of one conversation if named)")
    async def agent_audit(self, info: Info, conversation_id: strawberry.ID | None = None,
                          first: int = 50,
                          after: str | None = None) -> Connection[AgentAuditEntry]:
        tenant_id = info.context.require("read").tenant_id
        resp = await info.context.state.agent.list_audit(
            tenant_id, conversation_id=str(conversation_id or ""), page_size=page_size(first),
            cursor=after or "")
        return connection([AgentAuditEntry.from_proto(e) for e in resp.entries], resp.page_info)
