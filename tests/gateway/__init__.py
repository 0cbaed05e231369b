"""Helpers for gateway tests that need no gRPC service: a minimal app around the REST API."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
from fastapi import FastAPI

from gateway.config import GatewaySettings
from gateway.errors import install_error_handlers
from gateway.identity.service import IdentityService
from gateway.limits.limiter import RateLimiter
from gateway.rest import api_router
from services.kernel.config import KernelSettings
from services.kernel.db import Database


def gateway_settings(settings: KernelSettings, **overrides: object) -> GatewaySettings:
    return GatewaySettings(**{**settings.model_dump(), **overrides})


def identity_app(db: Database, settings: GatewaySettings) -> FastAPI:
    """The REST API with identity wired; the service clients and the bus are left out."""
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(api_router, prefix="/v1")
    app.state.gateway = SimpleNamespace(
        settings=settings, db=db, bus=None, identity=IdentityService(db, settings),
        conversations=None, channels=None, limiter=RateLimiter(db))
    return app


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
