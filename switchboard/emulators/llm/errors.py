"""OpenAI's error bodies and the handlers that render them for the `/v1` API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

CONTROL_PREFIX = "/_emulator"


class OpenAIError(Exception):
    """An error in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""

    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status, message)
        self.status = status
        self.headers = headers or {}
        self.body: dict[str, Any] = {
            "error": {"message": message, "type": type_, "param": param, "code": code}}


def invalid_api_key(key: str) -> OpenAIError:
    if not key:
        message = "You didn't provide an API key. Provide it as 'Authorization: Bearer <key>'."
    else:
        shown = f"{key[:3]}***{key[-4:]}" if len(key) > 8 else "***"
        message = f"Incorrect API key provided: {shown}."
    return OpenAIError(401, message, code="invalid_api_key")


def model_not_found(model: str) -> OpenAIError:
    return OpenAIError(404, f"The model `{model}` does not exist or you do not have access to it.",
                       code="model_not_found", param="model")


def rate_limited(retry_after_s: float) -> OpenAIError:
    seconds = f"{retry_after_s:g}"
    headers = {"retry-after": seconds, "retry-after-ms": str(round(retry_after_s * 1000)),
               "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": f"{seconds}s"}
    return OpenAIError(429, "Rate limit reached for requests (emulated). Please try again later.",
                       type_="requests", code="rate_limit_exceeded", headers=headers)


def server_error(status: int) -> OpenAIError:
    message = ("The server is overloaded or not ready yet." if status == 503 else
               "The server had an error while processing your request. Sorry about that!")
    return OpenAIError(status, message, type_="server_error")


async def _openai_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, OpenAIError)
    return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """OpenAI answers a malformed body with 400; the control plane keeps FastAPI's 422."""
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith(CONTROL_PREFIX):
        return await request_validation_exception_handler(request, exc)
    first = exc.errors()[0]
    param = ".".join(str(part) for part in first["loc"][1:]) or None
    message = f"{param}: {first['msg']}" if param else str(first["msg"])
    return await _openai_error(request, OpenAIError(400, message, param=param))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if request.url.path.startswith("/v1") and exc.status_code in (404, 405):
        message = f"Invalid URL ({request.method} {request.url.path})"
        return await _openai_error(request, OpenAIError(exc.status_code, message))
    return await http_exception_handler(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OpenAIError, _openai_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
