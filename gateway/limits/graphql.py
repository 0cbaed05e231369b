"""The GraphQL side of the rate limits: a document is charged its cost (cost.py) to the tenant's
GraphQL bucket after it validated and before it runs. Refused: `RATE_LIMITED` (with
`retryAfterSeconds`), HTTP 429 with Retry-After and the RateLimit fields; a document costing
more than `graphql_max_cost` is `QUERY_TOO_COSTLY` whatever is left. Subscriptions are not
charged here (a long-lived stream; its events are not pages)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from gateway.graphql.errors import api_error
from gateway.limits.cost import document_cost
from gateway.limits.early import CREDENTIAL
from gateway.limits.policy import ApiLimits, budget_spent, charge_graphql


class GraphQLCostLimit(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        request = context.context
        principal = getattr(request, "principal", None)
        state = getattr(request, "state", None)
        document = context.graphql_document
        if (principal is None or state is None or state.limiter is None or document is None
                or context.operation_type is OperationType.SUBSCRIPTION):
            yield
            return
        limits = ApiLimits.of(state.settings)
        cost = document_cost(context.schema._schema, document, context.operation_name,
                             context.variables)
        if cost > limits.graphql_max_cost:
            context.result = ExecutionResult(data=None, errors=[api_error(
                f"this document may return {cost} objects, more than the "
                f"{limits.graphql_max_cost} one request may ask for: ask for smaller pages "
                "(first) or fewer nested lists", "QUERY_TOO_COSTLY", cost=cost,
                maxCost=limits.graphql_max_cost)])
            yield
            return
        http = getattr(request, "request", None)
        decision = await charge_graphql(state.limiter, limits, principal, cost,
                                        http.scope.get(CREDENTIAL) if http is not None else None)
        response = getattr(request, "response", None)
        if response is not None:
            response.headers.update(decision.headers())
        if not decision.allowed:
            if response is not None:
                response.status_code = 429
            context.result = ExecutionResult(data=None, errors=[
                budget_spent(decision, limits.graphql.rate_per_s, cost)])
        yield

