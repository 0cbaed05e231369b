"""Per-request (or per-WebSocket) context: who is calling, the gateway state, DataLoaders.

HTTP: the caller is authenticated before the operation runs, by the same rules as REST; a
failure is a 401 problem+json (see router.py). WebSocket: the principal is set in
`on_ws_connect`, from `connection_params`, because browsers cannot send headers there.
"""

from __future__ import annotations

import asyncio
import sys

import strawberry
from starlette.requests import HTTPConnection, Request
from strawberry.fastapi import BaseContext

from gateway.auth import authenticate
from gateway.graphql.errors import api_error
from gateway.graphql.loaders import Loaders
from gateway.identity.principal import Principal
from gateway.identity.resources import resource_of
from gateway.identity.scopes import missing
from gateway.state import GatewayState


class Context(BaseContext):
    def __init__(self, state: GatewayState, principal: Principal | None, *,
                 cache: bool = True) -> None:
        super().__init__()
        self.state = state
        self.principal: Principal | None = None
        # Set by strawberry on WebSocket connections (connection_init payload).
        self.connection_params: dict[str, object] | None = None
        # A WebSocket context lives as long as the connection: caching there would serve
        # stale channels for hours, so it only batches.
        self._cache = cache
        self._loaders: Loaders | None = None
        # Set once the caller is known (a WebSocket's guard starts re-checking then).
        self.authenticated = asyncio.Event()
        if principal is not None:
            self.authenticate(principal)

    def authenticate(self, principal: Principal) -> None:
        self.principal = principal
        self._loaders = Loaders(self.state, principal.tenant_id, cache=self._cache)
        self.authenticated.set()

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            raise api_error("authentication required", "UNAUTHENTICATED")
        return self._loaders

    def require(self, scope: str) -> Principal:
        """The caller, who must hold `scope` (admin implies write implies read) on every
        resource or on the resolver's: the resource of the module that calls this
        (`gateway.<domain>…`, mapped in gateway/identity/resources.py), as REST takes its
        route's, so no resolver names its resource."""
        if self.principal is None:
            raise api_error("authentication required", "UNAUTHENTICATED")
        resource = resource_of(sys._getframe(1).f_globals.get("__name__", ""))
        if not self.principal.allows(scope, resource):
            raise api_error(missing(scope, resource), "FORBIDDEN")
        return self.principal


# In resolvers: `info: Info`.
Info = strawberry.Info[Context, None]


async def get_context(connection: HTTPConnection) -> Context:
    """The FastAPI dependency strawberry's router calls for every request and WebSocket."""
    state: GatewayState = connection.app.state.gateway
    if not isinstance(connection, Request):  # a WebSocket: authenticated in on_ws_connect
        return Context(state, None, cache=False)
    request = connection
    if _is_ide_page(request):
        return Context(state, None)  # GraphiQL's page itself is public; its queries are not
    return Context(state, await authenticate(request))


def _is_ide_page(request: Request) -> bool:
    # The same test strawberry uses to decide to render GraphiQL instead of running a query.
    accept = request.headers.get("accept", "")
    return (request.method == "GET" and "query" not in request.query_params
            and ("text/html" in accept or "*/*" in accept))
