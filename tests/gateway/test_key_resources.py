"""Every REST route and GraphQL field acts on a known resource (gateway/identity/resources.py),
so a new domain cannot be silently unscoped; and GraphQL takes each resolver's resource from
its module, on the recording fakes."""

from __future__ import annotations

import pathlib
from collections.abc import Iterable, Iterator
from types import SimpleNamespace

from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from gateway.identity.resources import domain_of
from gateway.rest import api_router
from tests.gateway.graphql_fakes import SCHEMA, codes, principal, run

GATEWAY = pathlib.Path(__file__).parents[2] / "gateway"


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """The routes of a router and of the routers it includes (which FastAPI keeps nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from api_routes(included.routes)


def test_every_rest_route_maps_to_a_resource() -> None:
    routes = list(api_routes(api_router.routes))
    assert len(routes) > 80
    unmapped = sorted(f"{r.path} ({r.endpoint.__module__})" for r in routes
                      if domain_of(r.endpoint.__module__) is None)
    assert unmapped == [], "add their modules to gateway/identity/resources.py DOMAINS"


def test_every_graphql_resolver_maps_to_a_resource() -> None:
    resolvers = {
        f"{name}.{field.python_name}": field.base_resolver.wrapped_func.__module__
        for name, kind in SCHEMA.schema_converter.type_map.items()
        for field in getattr(getattr(kind, "definition", None), "fields", None) or []
        if field.base_resolver is not None}
    assert {"Query.conversations", "Mutation.create_api_key",
            "Subscription.conversation_events"} <= set(resolvers)
    unmapped = sorted(f"{field} ({module})" for field, module in resolvers.items()
                      if domain_of(module) is None)
    assert unmapped == [], "add their modules to gateway/identity/resources.py DOMAINS"


def test_every_module_that_checks_a_graphql_scope_maps_to_a_resource() -> None:
    # Context.require takes the resource of the module that calls it: helpers included.
    callers = [path for path in GATEWAY.rglob("*.py") if "context.require(" in path.read_text()
               and path.name != "context.py"]
    assert len(callers) > 10
    modules = [".".join(path.relative_to(GATEWAY.parent).with_suffix("").parts)
               for path in callers]
    assert [m for m in modules if domain_of(m) is None] == []


CONVERSATIONS = "{ conversations(first: 2) { edges { node { id channel { name } } } } }"
SEND = 'mutation($id: ID!) { sendMessage(input: {conversationId: $id, text: "hi"}) { id } }'


async def test_graphql_takes_each_resolvers_resource(state: SimpleNamespace) -> None:
    reader = principal("conversations:read")
    listed = await run(state, CONVERSATIONS, reader)
    assert listed.errors is None and len(listed.data["conversations"]["edges"]) == 3
    conversation_id = next(iter(state.conversations.items))
    sent = await run(state, SEND, reader, id=conversation_id)
    assert codes(sent) == ["FORBIDDEN"]
    assert sent.errors[0].message == "this needs the 'write' scope on conversations"
    channels = await run(state, "{ channels { id } }", reader)
    assert codes(channels) == ["FORBIDDEN"]
    assert channels.errors[0].message == "this needs the 'read' scope on channels"
    keys = await run(state, "{ apiKeys { id } }", reader)
    assert codes(keys) == ["FORBIDDEN"] and keys.errors[0].message == "this needs the 'admin' scope"
    writer = await run(state, SEND, principal("conversations:write"), id=conversation_id)
    assert writer.errors is None and [c[0] for c in state.conversations.calls][-1] == "send"
