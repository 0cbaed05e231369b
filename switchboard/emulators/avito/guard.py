"""What every Avito route does first: rate limiting, injected faults, the bearer token check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from switchboard.emulators.avito.emulator import Emulator, emulator_of
from switchboard.emulators.avito.errors import api_error
from switchboard.emulators.avito.schemas import Endpoint
from switchboard.emulators.avito.state import Account


async def admit(request: Request, endpoint: Endpoint, key: str) -> None:
    """Count the call against `key`'s window, then apply any fault armed for `endpoint`."""
    emulator = emulator_of(request)
    verdict = emulator.limiter.hit(key, endpoint, emulator.settings.rate_limit(endpoint))
    request.state.rate_headers = verdict.headers()
    if verdict.retry_after is not None:
        raise api_error(429, {"Retry-After": str(verdict.retry_after)})
    await emulator.faults.trigger(endpoint)


def authorized(endpoint: Endpoint) -> Callable[[Request], Awaitable[Account]]:
    """A dependency yielding the token's account; a `{user_id}` in the path must be it."""

    async def dependency(request: Request) -> Account:
        emulator = emulator_of(request)
        token = _bearer(request)
        client = request.client.host if request.client else "unknown"
        await admit(request, endpoint, key=token or f"anonymous:{client}")
        account = _authenticate(emulator, token)
        path_user = request.path_params.get("user_id")
        if path_user is not None and path_user != str(account.user_id):
            raise api_error(403)
        return account

    return dependency


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _authenticate(emulator: Emulator, value: str | None) -> Account:
    token = emulator.store.find_token(value) if value else None
    if token is None:
        raise api_error(401)
    if emulator.store.is_expired(token):
        raise api_error(emulator.settings.expired_token_status)
    return emulator.store.accounts[token.user_id]


def install_rate_headers(app: FastAPI) -> None:
    """Put X-RateLimit-* on every Avito response, errors included, unless already set."""

    @app.middleware("http")
    async def rate_headers(request: Request,
                           call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in getattr(request.state, "rate_headers", {}).items():
            response.headers.setdefault(name, value)
        return response
