"""The rate limits' rules without a server: a replica's lease of a shared bucket (spending,
expiry, remembered refusals, the header fields) and what a GraphQL document costs."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from gateway.config import GatewaySettings
from gateway.graphql.schema import build_schema
from gateway.limits.cost import UNPAGED, document_cost
from gateway.limits.lease import LEASE_TTL_S, Lease, Limit

LIMIT = Limit(rate_per_s=10.0, burst=30.0)


class TestLease:
    def test_a_lease_serves_requests_until_spent_then_asks_for_a_batch(self) -> None:
        lease = Lease(LIMIT)
        assert not lease.spend(1, now=0.0)
        asked = lease.asked(1)
        assert asked == 2.0  # a batch: 0.2 s of 10 a second
        # the leasing request spends its token at once: a slow lease cannot age it away
        assert lease.granted(available=30.0, cost=1, asked=asked, now=5.0) == 2.0
        assert lease.spend(1, 5.1) and not lease.spend(1, 5.2)
        decision = lease.decision(True, 5.2)
        assert (decision.limit, decision.remaining) == (30, 28)  # the bucket kept 28
        assert decision.headers() == {"RateLimit-Limit": "30", "RateLimit-Remaining": "28",
                                      "RateLimit-Reset": "1"}

    def test_leased_tokens_expire(self) -> None:
        lease = Lease(LIMIT)
        lease.granted(available=30.0, cost=1.0, asked=5.0, now=0.0)
        assert lease.spend(1, now=0.5)
        assert not lease.spend(1, now=LEASE_TTL_S)  # held too long: given up

    def test_an_empty_bucket_is_remembered_until_it_would_have_refilled(self) -> None:
        lease = Lease(LIMIT)
        assert lease.granted(available=0.5, cost=3.0, asked=3.0, now=10.0) == 0.0
        assert lease.denied_until == pytest.approx(10.25)  # 2.5 tokens at 10 a second
        refused = lease.decision(False, 10.0)
        assert refused.headers()["Retry-After"] == "1" and refused.remaining == 0

    def test_a_refund_goes_back_to_the_lease(self) -> None:
        lease = Lease(LIMIT)
        lease.granted(available=30.0, cost=1.0, asked=2.0, now=0.0)
        assert lease.spend(1, 0.0) and not lease.spend(1, 0.0)
        lease.refund(1)
        assert lease.spend(1, 0.0)


@pytest.fixture(scope="module")
def schema() -> Any:
    return build_schema(GatewaySettings())._schema


@pytest.mark.parametrize(("document", "variables", "cost"), [
    ("{ conversations(first: 100) { edges { node { id messages(first: 100) "
     "{ edges { node { id } } } } } } }", None, 100 + 100 * 100),
    ("{ conversations { edges { node { id } } } }", None, 20),  # the default page
    ("query($n: Int!) { conversations(first: $n) { ...Page } } "
     "fragment Page on ConversationConnection { edges { node { id } } }", {"n": 30}, 30),
    ("query($n: Int! = 7) { conversations(first: $n) { edges { node { ... on Conversation "
     "{ messages(first: 3) { edges { node { id } } } } } } } }", {}, 7 + 7 * 3),  # its default
    ("{ users { id } }", None, UNPAGED),  # a list with no page argument
    ("{ agentHealth { state } }", None, 1),  # no list at all: the least
    ("mutation { markRead(id: \"x\") { id } }", None, 1),
])
def test_what_a_document_costs(schema: Any, document: str, variables: dict[str, Any] | None,
                               cost: int) -> None:
    assert document_cost(schema, parse(document), None, variables) == cost


def test_a_list_of_scalars_costs_nothing_and_attachments_a_handful(schema: Any) -> None:
    document = parse("{ messages(conversationId: \"x\", first: 10) { edges { node { id "
                     "attachments { url } } } } conversation(id: \"x\") { labels } }")
    assert document_cost(schema, document, None, None) == 10 + 10 * UNPAGED


async def test_a_subscription_is_not_charged_but_a_query_is() -> None:
    """The cost extension skips subscriptions (a long-lived stream, not pages): strawberry's
    own OperationType, which graphql-core's is never equal to."""
    from types import SimpleNamespace

    from strawberry.types.graphql import OperationType

    from gateway.limits.graphql import GraphQLCostLimit

    class Charged(Exception):
        pass

    class Limiter:
        def __getattr__(self, name: str) -> Any:
            raise Charged(name)

    def run(kind: OperationType) -> Any:
        extension = GraphQLCostLimit()
        extension.execution_context = SimpleNamespace(  # type: ignore[assignment]
            context=SimpleNamespace(principal=object(), state=SimpleNamespace(
                limiter=Limiter(), settings=GatewaySettings())),
            graphql_document=parse("{ __typename }"), operation_type=kind,
            schema=build_schema(GatewaySettings()), operation_name=None, variables={})
        return extension.on_execute()

    steps = run(OperationType.SUBSCRIPTION)
    await steps.__anext__()  # went straight to execution
    with pytest.raises(StopAsyncIteration):
        await steps.__anext__()
    with pytest.raises(Charged):
        await run(OperationType.QUERY).__anext__()
