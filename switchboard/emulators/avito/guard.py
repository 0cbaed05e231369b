"""What every Avito route does first: rate limiting, injected faults, the bearer token check,
the token's scope, and the tariff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from switchboard.emulators.avito.emulator import Emulator, emulator_of
from switchboard.emulators.avito.endpoints import (
    CLIENT_CREDENTIALS_ONLY,
    MESSENGER,
    SCOPES,
    Endpoint,
)
from switchboard.emulators.avito.errors import api_error
from switchboard.emulators.avito.model import Account
from switchboard.emulators.avito.tokens import AccessToken


async def admit(request: Request, endpoint: Endpoint, key: str) -> None:
    """Count the call against `key`'s window, then apply any fault armed for `endpoint`."""
    emulator = emulator_of(request)
    verdict = emulator.limiter.hit(key, endpoint, emulator.settings.rate_limit(endpoint))
    request.state.rate_headers = verdict.headers()
    if verdict.retry_after is not None:
        raise api_error(429, {"Retry-After": str(verdict.retry_after)})
    await emulator.faults.trigger(endpoint, request.path_params.get("chat_id"))


def authorized(endpoint: Endpoint,
               foreign_status: int = 403) -> Callable[[Request], Awaitable[Account]]:
    """A dependency yielding the token's account; a `{user_id}` in the path must be it
    (else `foreign_status`: the balance answers 404 there)."""

    async def dependency(request: Request) -> Account:
        emulator = emulator_of(request)
        value = _bearer(request)
        client = request.client.host if request.client else "unknown"
        await admit(request, endpoint, key=value or f"anonymous:{client}")
        token = _authenticate(emulator, value)
        account = emulator.store.accounts[token.user_id]
        path_user = request.path_params.get("user_id")
        if path_user is not None and path_user != str(account.user_id):
            raise api_error(foreign_status)
        scope = SCOPES.get(endpoint)
        if token.scopes is not None and scope is not None and scope not in token.scopes:
            raise api_error(403)
        if token.scopes is not None and endpoint in CLIENT_CREDENTIALS_ONLY:
            raise api_error(403)
        if endpoint in MESSENGER and not account.messenger_access:
            raise api_error(402)
        return account

    return dependency


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _authenticate(emulator: Emulator, value: str | None) -> AccessToken:
    token = emulator.store.tokens.find_access(value) if value else None
    if token is None or token.user_id not in emulator.store.accounts:
        raise api_error(401)
    if emulator.store.tokens.is_expired(token):
        raise api_error(emulator.settings.expired_token_status)
    return token


def install_rate_headers(app: FastAPI) -> None:
    """Put X-RateLimit-* on every Avito response, errors included, unless already set."""

    @app.middleware("http")
    async def rate_headers(request: Request,
                           call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in getattr(request.state, "rate_headers", {}).items():
            response.headers.setdefault(name, value)
        return response
