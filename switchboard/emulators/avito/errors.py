"""Avito's error bodies and the handlers that render them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

CONTROL_PREFIX = "/_emulator"

# Canonical messages of the Messenger/User specs' error schemas.
MESSAGES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    429: "Too many requests",
    500: "Error while processing request. Please, contact support",
    503: "Service temporarily unavailable. Please, contact support",
}


class AvitoError(Exception):
    """An Avito-shaped error response; raised anywhere below a route."""

    def __init__(self, status: int, body: dict[str, Any],
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


def api_error(status: int, headers: dict[str, str] | None = None) -> AvitoError:
    return AvitoError(status, {"error": {"code": status, "message": MESSAGES[status]}}, headers)


def validation_error(fields: dict[str, str]) -> AvitoError:
    body = {"error": {"code": 400, "message": "Validation error", "fields": fields}}
    return AvitoError(400, body)


def oauth_error(code: str, description: str) -> AvitoError:
    """`/token` errors are undocumented; clients of OAuth servers expect this shape."""
    return AvitoError(400, {"error": code, "error_description": description})


async def _avito_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, AvitoError)
    return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """Avito answers bad parameters with 400 and per-field messages; the control plane keeps
    FastAPI's usual 422."""
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith(CONTROL_PREFIX):
        return await request_validation_exception_handler(request, exc)
    fields = {_field_name(err["loc"]): err["msg"] for err in exc.errors()}
    return await _avito_error(request, validation_error(fields))


def _field_name(loc: tuple[int | str, ...]) -> str:
    # Drop the "query"/"body"/"path" origin FastAPI puts first.
    return ".".join(str(part) for part in loc[1:]) or str(loc[0])


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AvitoError, _avito_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
