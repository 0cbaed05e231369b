"""Every error leaves the gateway as application/problem+json (RFC 9457).

A failure that retrying will not fix (a crash here, INTERNAL or UNKNOWN from a service) is a
500 with a `correlation_id`: the request's trace id, also in the log line of the failure, so a
client's report finds it. 503 is kept for what may pass (a service down or too slow).
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.kernel.errors import DomainError, Internal, QuotaExceeded

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
QUOTA_EXCEEDED = "/problems/quota-exceeded"


def problem(status: int, detail: str, *, title: str | None = None,
            headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase,
            "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


class ProblemError(Exception):
    """Raised by routes for a plain HTTP error with a clear message."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, *,
                 type: str = "about:blank") -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers, self.type = status, detail, headers, type


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> JSONResponse:
        return problem(exc.status, exc.detail, headers=exc.headers, type=exc.type)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        if isinstance(exc, Internal):
            return internal_error(request.url.path, exc)
        if isinstance(exc, QuotaExceeded):  # its figures beside the detail (docs/api.md)
            return problem(exc.http_status, exc.message, title="Quota exceeded",
                           type=QUOTA_EXCEEDED, **exc.figures())
        return problem(exc.http_status, exc.message, type=problem_type(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return problem(422, _validation_detail(errors), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)  # last resort: UnexpectedErrors answers the routes'
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return internal_error(request.url.path, exc)


def problem_type(exc: DomainError) -> str:
    """The problem+json `type` of a service's refusal: /problems/<its name>, if it has one."""
    return f"/problems/{exc.problem}" if exc.problem else "about:blank"


def correlation_id() -> str:
    """The current trace id (what the log lines of this request carry), else a fresh id."""
    span = trace.get_current_span().get_span_context()
    return format(span.trace_id, "032x") if span.is_valid else uuid.uuid4().hex


def internal_error(path: str, exc: BaseException) -> JSONResponse:
    """Log a failure with its correlation id and answer 500 with the same id, nothing more."""
    cid = correlation_id()
    log.error("request failed", exc_info=exc if not isinstance(exc, Internal) else None,
              extra={"path": path, "correlation_id": cid, "error": repr(exc)})
    return problem(500, f"internal error: report correlation id {cid}", correlation_id=cid)


class UnexpectedErrors:
    """An exception no handler took, answered inside the request's span (Starlette's own
    last-resort handler runs outside every middleware, after the span has ended)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watched = WatchedSend(send)
        try:
            await self.app(scope, receive, watched)
        except ClientDisconnect:
            return  # gone while its body was read: nobody to answer, nothing broken
        except Exception as exc:
            if watched.started:
                raise
            await internal_error(scope["path"], exc)(scope, receive, send)


class WatchedSend:
    """`send` that remembers whether the response has started: until then an error can still
    be answered with a problem of its own."""

    def __init__(self, send: Send) -> None:
        self._send, self.started = send, False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


def _validation_detail(errors: list[dict[str, Any]]) -> str:
    """The first problem with the field it is about; the rest are in `errors`."""
    if not errors:
        return "the request is not valid"
    first = errors[0]
    where = ".".join(map(str, first["loc"]))
    more = f" (and {len(errors) - 1} more, see `errors`)" if len(errors) > 1 else ""
    return f"the request is not valid: {where}: {first['msg']}{more}"
