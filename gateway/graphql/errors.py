"""How errors leave the GraphQL API: one code per failure, nothing internal leaks.

Resolvers let `DomainError`s from the services propagate; `ErrorPolicy` rewrites them into
errors with `extensions.code` after execution, and masks anything else as "Unexpected error."
with INTERNAL_SERVER_ERROR and a `correlationId` (the trace id, also in the failure's log line),
as it does an `Internal` from a service (INTERNAL, UNKNOWN: a retry will not help).
GraphQL's own errors keep their message and get Apollo's code: GRAPHQL_PARSE_FAILED,
GRAPHQL_VALIDATION_FAILED (depth, tokens, unknown fields, a literal of the wrong type) or
BAD_USER_INPUT (a variable missing or of the wrong type, an Int beyond 32 bits).
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from pydantic import ValidationError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from gateway.errors import correlation_id
from services.kernel.errors import (
    Conflict,
    DomainError,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    Unauthenticated,
    Unavailable,
)

log = logging.getLogger(__name__)

# Apollo's names where one exists, so generic GraphQL clients understand them.
CODES: dict[type[DomainError], str] = {
    NotFound: "NOT_FOUND",
    InvalidArgument: "BAD_USER_INPUT",
    PermissionDenied: "FORBIDDEN",
    Unauthenticated: "UNAUTHENTICATED",
    Conflict: "CONFLICT",
    FailedPrecondition: "FAILED_PRECONDITION",
    Unavailable: "UNAVAILABLE",
    QuotaExceeded: "QUOTA_EXCEEDED",  # with its figures (quota, plan, limit, used, resets_at)
}
INTERNAL = "INTERNAL_SERVER_ERROR"
CODES[Internal] = INTERNAL


def code_of(error: DomainError) -> str:
    for cls in type(error).__mro__:
        if cls in CODES:
            return CODES[cls]
    return "FAILED_PRECONDITION"  # a bare DomainError is a broken rule


def api_error(message: str, code: str, **extensions: Any) -> GraphQLError:
    """An error raised by our resolvers on purpose; shown to the caller as is."""
    return GraphQLError(message, extensions={"code": code, **extensions})


def bad_input(message: str) -> GraphQLError:
    return api_error(message, "BAD_USER_INPUT")


def invalid_input(error: ValidationError) -> GraphQLError:
    """A shared REST model's verdict on an input, each problem with the field it is about."""
    return bad_input("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" if e["loc"]
                               else e["msg"] for e in error.errors()))  # no field: the whole input


def is_unexpected(error: GraphQLError) -> bool:
    """True for a crash in our code, a dependency or a service: its message is not for the
    caller. A GraphQLError is said to the caller on purpose (ours, or GraphQL's verdict on a
    variable), and so is a DomainError other than Internal."""
    original = error.original_error
    return original is not None and (isinstance(original, Internal) or
                                     not isinstance(original, DomainError | GraphQLError))


class ErrorPolicy(MaskErrors):
    """MaskErrors that turns DomainErrors into coded errors instead of hiding them."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_needs_rewrite)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        extensions: dict[str, Any]
        if is_unexpected(error):
            message = self.error_message
            extensions = {"code": INTERNAL, "correlationId": _correlation_id(error)}
        else:
            assert isinstance(original, DomainError)
            message, extensions = original.message, {"code": code_of(original)}
            if original.problem:  # the refusal's stable name (REST: /problems/<name>)
                extensions["problem"] = original.problem
            if isinstance(original, QuotaExceeded):
                extensions |= original.figures()
        return GraphQLError(message, nodes=error.nodes, source=error.source,
                            positions=error.positions, path=error.path, extensions=extensions)


def _needs_rewrite(error: GraphQLError) -> bool:
    return isinstance(error.original_error, DomainError) or is_unexpected(error)


def _correlation_id(error: GraphQLError) -> str:
    return str((error.extensions or {}).get("correlationId") or correlation_id())


def code_graphql_errors(errors: list[GraphQLError]) -> None:
    """Give GraphQL's own errors their code, in place. Every error passes here (the schema's
    `process_errors`), a parse error included, which never reaches ErrorPolicy."""
    for error in errors:
        if not _needs_rewrite(error) and "code" not in (error.extensions or {}):
            error.extensions = {**(error.extensions or {}), "code": _graphql_code(error)}


def _graphql_code(error: GraphQLError) -> str:
    """The code of an error GraphQL itself raised."""
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.path:  # during execution, e.g. null for a non-null field: our bug
        return INTERNAL
    if error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def log_unexpected(errors: list[GraphQLError], context: ExecutionContext | None) -> None:
    """Log crashes with their traceback; a caller's mistake is not worth a log line."""
    for error in errors:
        if is_unexpected(error):
            original = error.original_error
            # Kept on the error for ErrorPolicy, which masks it after this (same id in both).
            error.extensions = {**(error.extensions or {}), "correlationId": _correlation_id(error)}
            log.error("GraphQL resolver failed",
                      exc_info=None if isinstance(original, Internal) else original, extra={
                          "graphql_path": ".".join(map(str, error.path or ())),
                          "graphql_operation": context.operation_name if context else None,
                          "correlation_id": _correlation_id(error), "error": repr(original)})
