"""One exception hierarchy for every failure, whichever API (REST, GraphQL, WebSocket) said it.

Mapped from the REST API's problem+json (`status`, `detail`, `errors`, `correlation_id`) and from
GraphQL's `extensions.code`, so one `except` clause covers both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


class SwitchboardError(Exception):
    """Anything that went wrong talking to Switchboard. `status` is the HTTP status when there
    was one; `code` the GraphQL error code when GraphQL said it."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


class AuthenticationError(SwitchboardError):
    """No key, a wrong or revoked key (401; a WebSocket refused or closed with 4401)."""


class PermissionDenied(SwitchboardError):
    """The key lacks the scope this needs, e.g. a read-only key writing (403)."""


class QuotaExceeded(PermissionDenied):
    """A quota of the tenant's plan is used up (403 `/problems/quota-exceeded`; GraphQL
    QUOTA_EXCEEDED): `quota` (channel_accounts, messages_per_month, ai_replies_per_month,
    knowledge_bytes), the `plan`, its `limit`, what is `used`, and for a monthly quota when it
    `resets_at` (ISO 8601). The message says what to do; `Switchboard.plan()` shows them all."""

    def __init__(self, message: str, *, quota: str = "", plan: str = "", limit: int | None = None,
                 used: int | None = None, resets_at: str | None = None,
                 status: int | None = 403, code: str | None = None) -> None:
        super().__init__(message, status=status, code=code)
        self.quota, self.plan, self.limit, self.used = quota, plan, limit, used
        self.resets_at = resets_at


QUOTA_PROBLEM = "/problems/quota-exceeded"


class NotFound(SwitchboardError):
    """No such object in your tenant (404): another tenant's ids look the same as made-up ones."""


class InvalidInput(SwitchboardError):
    """The request was refused as it stands (422, 400, 413; GraphQL BAD_USER_INPUT). `field` is
    the argument it is about when the API named one (snake_case, as the SDK's arguments)."""

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, status=status, code=code)
        self.field = field


class Conflict(SwitchboardError):
    """The request is valid but the object's state forbids it now (409; CONFLICT,
    FAILED_PRECONDITION), e.g. deleting a reply Avito no longer lets you delete."""


class RateLimited(SwitchboardError):
    """Too many requests (429): wait `retry_after` seconds (None when the server did not say)."""

    def __init__(self, message: str, *, retry_after: float | None = None,
                 status: int | None = 429, code: str | None = None) -> None:
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class ServerError(SwitchboardError):
    """The platform failed (5xx; GraphQL INTERNAL_SERVER_ERROR or UNAVAILABLE). Quote
    `correlation_id` when you report it: it finds the server's log line."""

    def __init__(self, message: str, *, correlation_id: str | None = None,
                 retry_after: float | None = None, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, status=status, code=code)
        self.correlation_id, self.retry_after = correlation_id, retry_after


class ConnectionFailed(SwitchboardError):
    """Switchboard could not be reached, or did not answer in time, after the retries allowed."""


class ProtocolError(SwitchboardError):
    """An answer this SDK cannot read: a proxy's page instead of the API, or a server far newer
    or older than the SDK (see the README's "Versioning")."""


# GraphQL codes (Apollo's names where one exists) and the exception each one is.
_BY_CODE: dict[str, type[SwitchboardError]] = {
    "UNAUTHENTICATED": AuthenticationError,
    "FORBIDDEN": PermissionDenied,
    "NOT_FOUND": NotFound,
    "BAD_USER_INPUT": InvalidInput,
    "GRAPHQL_VALIDATION_FAILED": InvalidInput,
    "GRAPHQL_PARSE_FAILED": InvalidInput,
    "CONFLICT": Conflict,
    "FAILED_PRECONDITION": Conflict,
    "UNAVAILABLE": ServerError,
    "INTERNAL_SERVER_ERROR": ServerError,
    "RATE_LIMITED": RateLimited,  # the tenant's GraphQL budget is spent (HTTP 429 too)
    "QUERY_TOO_COSTLY": InvalidInput,  # one document asks for too much: smaller pages
    "QUOTA_EXCEEDED": QuotaExceeded,  # a quota of the plan is used up (HTTP 403 too)
}
_STATUS_OF_CODE = {"UNAVAILABLE": 503, "INTERNAL_SERVER_ERROR": 500}
# Codes a retry may cure (the same as HTTP 502/503/504).
RETRYABLE_CODES = frozenset({"UNAVAILABLE"})

_BY_STATUS: dict[int, type[SwitchboardError]] = {
    400: InvalidInput, 401: AuthenticationError, 403: PermissionDenied, 404: NotFound,
    409: Conflict, 413: InvalidInput, 422: InvalidInput,
}
_REST_LOCATIONS = {"body", "query", "path", "header", "cookie"}
_LEADING_NAME = re.compile(r"^`?([A-Za-z_][A-Za-z0-9_.]*)`?(?::|\s)")
# GraphQL's own verdict on a variable: "Variable '$input' got invalid value ... at 'input.mode'".
_VARIABLE = re.compile(r"^Variable '\$(\w+)'(?:.*? at '([\w.]+)')?")
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(name: str) -> str:
    """`unreadOnly` -> `unread_only` (GraphQL's names to Python's)."""
    return _CAMEL_HUMP.sub("_", name).lower()


def from_problem(status: int, body: Any, retry_after: float | None = None) -> SwitchboardError:
    """The exception for a REST (or GraphQL-over-HTTP) error answer: problem+json if it is one,
    else the status alone."""
    problem = body if isinstance(body, Mapping) else {}
    detail = str(problem.get("detail") or problem.get("title") or f"HTTP {status}")
    if status == 429:
        return RateLimited(detail, retry_after=retry_after)
    if status >= 500:
        return ServerError(detail, status=status, retry_after=retry_after,
                           correlation_id=problem.get("correlation_id"))
    if problem.get("type") == QUOTA_PROBLEM:
        return _quota(detail, problem, status=status)
    cls = _BY_STATUS.get(status, SwitchboardError)
    if cls is InvalidInput:
        return InvalidInput(detail, field=_rest_field(problem.get("errors")), status=status)
    return cls(detail, status=status)


def from_graphql(error: Mapping[str, Any], variables: Mapping[str, Any] | None = None) -> SwitchboardError:
    """The exception for one GraphQL error (`{"message", "extensions": {"code", ...}}`);
    `variables` are those sent, to name the field a BAD_USER_INPUT is about."""
    message = str(error.get("message") or "GraphQL error")
    extensions = error.get("extensions") or {}
    code = str(extensions.get("code") or "")
    cls = _BY_CODE.get(code, SwitchboardError)
    if cls is InvalidInput:
        field = extensions.get("field") or _named_field(message, variables or {})
        named = ".".join(map(snake, str(field).split("."))) if field else None
        return InvalidInput(message, field=named, code=code)
    if cls is ServerError:
        return ServerError(message, correlation_id=extensions.get("correlationId"),
                           status=_STATUS_OF_CODE.get(code), code=code)
    if cls is QuotaExceeded:
        return _quota(message, extensions, status=403, code=code)
    if cls is RateLimited:
        wait = extensions.get("retryAfterSeconds")
        return RateLimited(message, code=code,
                           retry_after=float(wait) if isinstance(wait, int | float) else None)
    return cls(message, code=code or None)


def _quota(message: str, figures: Mapping[str, Any], **where: Any) -> QuotaExceeded:
    def number(key: str) -> int | None:
        value = figures.get(key)
        return int(value) if isinstance(value, int | float) else None
    resets = figures.get("resets_at")
    return QuotaExceeded(message, quota=str(figures.get("quota") or ""),
                         plan=str(figures.get("plan") or ""), limit=number("limit"),
                         used=number("used"), resets_at=str(resets) if resets else None, **where)


def _rest_field(errors: Any) -> str | None:
    """`errors[0].loc` of a 422 without its location part: ["body", "text"] -> "text"."""
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], Mapping):
        return None
    loc = [str(part) for part in errors[0].get("loc") or []]
    if loc and loc[0] in _REST_LOCATIONS:
        loc = loc[1:]
    return ".".join(loc) or None


def _named_field(message: str, variables: Mapping[str, Any]) -> str | None:
    """The argument a message starts with ("text is longer than ...", "`first` must be ..."),
    if it is one of those sent; GraphQL errors carry no field of their own."""
    if (variable := _VARIABLE.match(message)) is not None:
        path = (variable.group(2) or variable.group(1)).split(".")
        return ".".join(path[1:] if len(path) > 1 and path[0] == "input" else path)
    match = _LEADING_NAME.match(message)
    if match is None:
        return None
    name = match.group(1)
    return name if snake(name.split(".")[-1]) in _names(variables) else None


def _names(value: Any) -> set[str]:
    """Every key of the variables, nested inputs included, in snake_case."""
    names: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            names.update(snake(str(key)) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return names
