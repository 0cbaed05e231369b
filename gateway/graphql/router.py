"""`/graphql`: queries and mutations over HTTP, subscriptions over WebSocket, GraphiQL.

Authentication. HTTP: exactly REST's rules (`Authorization: Bearer sb_...`, else the session
cookie, whose mutations send `X-CSRF-Token`: gateway/csrf.py); missing or bad credentials
get 401 problem+json (a missing CSRF token 403) before any operation runs, so one
client-side handler covers both APIs. The GraphiQL page itself loads without credentials, when
`graphql_ide` is on (its Content-Security-Policy: gateway/security_headers.py).
WebSocket: browsers cannot set headers on it, so the key comes in the connection_init payload
(`{"Authorization": "Bearer sb_..."}`), else an Authorization header on the upgrade request,
else the session cookie; without a valid one the connection is refused (close 4403 for
graphql-transport-ws, connection_error for graphql-ws). The tenant is the principal's, always.
An open connection re-checks that credential every `live_auth_check_s` and is closed with 4401
(revoked or expired key, ended or expired session) or 4403 (scope gone); when the gateway shuts down it is
closed with 1012 (service restart: reconnect). A socket carries no CSRF token, so a handshake
whose Origin (browsers always send one) is neither the requested host's nor the public base
URL's is refused before it opens (strawberry's check, close 1008): another site's page cannot
ride on the session cookie (cross-site WebSocket hijacking).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from fastapi.security.utils import get_authorization_scheme_param
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.unset import UNSET, UnsetType

from gateway.auth import SESSION_COOKIE
from gateway.config import GatewaySettings
from gateway.csrf import public_origin
from gateway.errors import ProblemError
from gateway.graphql.context import Context, get_context
from gateway.graphql.schema import build_schema
from gateway.identity.api_keys import ApiKeyExpired
from gateway.identity.principal import Principal
from gateway.streams import stream_end

# How a guarded connection is closed, by the reason its stream ended.
CLOSE_CODES = {"shutdown": 1012, "unauthorized": 4401, "forbidden": 4403}


class _Guarded:
    """Mixed into strawberry's protocol handlers: while the connection is open, a guard closes
    it when its credential stops being valid or the gateway shuts down."""

    context: Context
    websocket: Any

    async def handle(self) -> None:
        guard = asyncio.create_task(self._guard())
        try:
            await super().handle()  # type: ignore[misc]
        finally:
            guard.cancel()
            with contextlib.suppress(BaseException):
                await guard

    async def _guard(self) -> None:
        context = self.context
        authenticated = asyncio.ensure_future(context.authenticated.wait())
        closing = asyncio.ensure_future(context.state.closing.wait())
        try:
            await asyncio.wait({authenticated, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            authenticated.cancel()
            closing.cancel()
        end = await stream_end(context.state, lambda: authenticate_websocket(context))
        with contextlib.suppress(Exception):  # already closed by the client
            await self.websocket.close(code=CLOSE_CODES[end.reason], reason=end.detail)


class GuardedTransportWSHandler(_Guarded, BaseGraphQLTransportWSHandler[Context, None]):
    pass


class GuardedWSHandler(_Guarded, BaseGraphQLWSHandler[Context, None]):
    pass


class SwitchboardGraphQLRouter(GraphQLRouter[Context, None]):
    graphql_transport_ws_handler_class = GuardedTransportWSHandler
    graphql_ws_handler_class = GuardedWSHandler

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        # strawberry answers a request it cannot read (not JSON, a batch, a wrong content
        # type) in plain text; every error of the gateway is problem+json.
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            raise ProblemError(exc.status_code, exc.reason) from None

    def decode_json(self, data: str | bytes) -> object:
        # json.loads raises these for invalid UTF-8 and for nesting past the recursion
        # limit, where strawberry expects only JSONDecodeError (else: a 500).
        try:
            return super().decode_json(data)
        except (UnicodeDecodeError, RecursionError):
            raise HTTPException(400, "the body is not JSON: invalid UTF-8, or nested "
                                     "too deeply") from None

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        principal = await authenticate_websocket(context)
        if principal is None:
            raise ConnectionRejectionError({"message": "authentication required: "
                                            '{"Authorization": "Bearer sb_..."} in the '
                                            "connection_init payload, or a session cookie"})
        context.authenticate(principal)
        return UNSET


async def authenticate_websocket(context: Context) -> Principal | None:
    params, request = context.connection_params or {}, context.request
    if request is None:
        return None
    header = params.get("Authorization", params.get("authorization"))
    if header is None:
        header = request.headers.get("authorization")
    identity = context.state.identity
    if header is not None:
        # Present decides, as over HTTP: a bad key is not rescued by a cookie.
        scheme, token = get_authorization_scheme_param(str(header))
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            return await identity.authenticate_api_key(token)
        except ApiKeyExpired:
            return None
    session = request.cookies.get(SESSION_COOKIE)
    return await identity.authenticate_session(session) if session else None


def graphql_router(settings: GatewaySettings) -> GraphQLRouter[Context, None]:
    return SwitchboardGraphQLRouter(
        build_schema(settings), context_getter=get_context,
        graphql_ide="graphiql" if settings.graphql_ide else None,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
        # An unauthenticated socket must not be held open for long.
        connection_init_wait_timeout=timedelta(seconds=10),
        # Same-origin handshakes pass anyway; this adds the public URL behind a proxy.
        allowed_origins=(public_origin(settings),))
