"""Avito's error bodies and the handlers that render them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response

from switchboard.emulators.avito.endpoints import flat_errors

CONTROL_PREFIX = "/_emulator"

# Canonical messages of the Messenger/User specs' error schemas.
MESSAGES = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment required",
    403: "Forbidden",
    404: "Not found",
    429: "Too many requests",
    500: "Error while processing request. Please, contact support",
    502: "Bad Gateway",
    503: "Service temporarily unavailable. Please, contact support",
    504: "Gateway Time-out",
}
# Codes of the items API's flat error body; the spec types `code` as a string.
_FLAT_CODES = {400: "bad_request", 401: "unauthorized", 402: "payment_required",
               403: "forbidden", 404: "not_found", 500: "internal_error",
               503: "service_unavailable"}
# Bad gateway / gateway timeout come from Avito's front proxy, as an HTML page.
_PROXY_PAGE = ("<html>\r\n<head><title>{status} {message}</title></head>\r\n<body>\r\n"
               "<center><h1>{status} {message}</h1></center>\r\n<hr><center>nginx</center>\r\n"
               "</body>\r\n</html>\r\n")


class AvitoError(Exception):
    """An Avito-shaped error response; raised anywhere below a route."""

    def __init__(self, status: int, body: dict[str, Any],
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


def api_error(status: int, headers: dict[str, str] | None = None,
              message: str | None = None) -> AvitoError:
    body = {"error": {"code": status, "message": message or MESSAGES[status]}}
    return AvitoError(status, body, headers)


def validation_error(fields: dict[str, str]) -> AvitoError:
    body = {"error": {"code": 400, "message": "Validation error", "fields": fields}}
    return AvitoError(400, body)


def oauth_error(code: str, description: str) -> AvitoError:
    """`/token` errors are undocumented; clients of OAuth servers expect this shape."""
    return AvitoError(400, {"error": code, "error_description": description})


def _flat(exc: AvitoError) -> dict[str, Any]:
    if exc.status == 429:
        return {}
    error = exc.body["error"]
    message = error["message"]
    if fields := error.get("fields"):
        message += ": " + "; ".join(f"{name}: {problem}" for name, problem in fields.items())
    return {"code": _FLAT_CODES.get(exc.status, str(exc.status)), "message": message}


async def _avito_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AvitoError)
    if exc.status in (502, 504):
        page = _PROXY_PAGE.format(status=exc.status, message=MESSAGES[exc.status])
        return HTMLResponse(page, status_code=exc.status, headers=exc.headers)
    body = exc.body
    if exc.status == 429 and request.url.path.startswith("/cpa/"):
        body = {"error": {"code": 429}}  # cpa.json's tooManyRequestsError has no message
    if flat_errors(request.url.path) and isinstance(body.get("error"), dict):
        body = _flat(exc)
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


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
