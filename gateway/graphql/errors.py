"""How errors leave the GraphQL API: one code per failure, nothing internal leaks.

Resolvers let `DomainError`s from the services propagate; `ErrorPolicy` rewrites them into
errors with `extensions.code` after execution, and masks anything else as "Unexpected error.".
GraphQL's own parse and validation errors (depth, tokens, unknown fields) stay as they are.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from services.kernel.errors import (
    Conflict,
    DomainError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
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
}
INTERNAL = "INTERNAL_SERVER_ERROR"


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


def is_unexpected(error: GraphQLError) -> bool:
    """True for a crash in our code or a dependency: its message is not for the caller."""
    original = error.original_error
    if original is None or isinstance(original, DomainError):
        return False
    return not (isinstance(original, GraphQLError) and "code" in (original.extensions or {}))


class ErrorPolicy(MaskErrors):
    """MaskErrors that turns DomainErrors into coded errors instead of hiding them."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_needs_rewrite)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            message, code = original.message, code_of(original)
        else:
            message, code = self.error_message, INTERNAL
        return GraphQLError(message, nodes=error.nodes, source=error.source,
                            positions=error.positions, path=error.path,
                            extensions={"code": code})


def _needs_rewrite(error: GraphQLError) -> bool:
    return isinstance(error.original_error, DomainError) or is_unexpected(error)


def log_unexpected(errors: list[GraphQLError], context: ExecutionContext | None) -> None:
    """Log crashes with their traceback; a caller's mistake is not worth a log line."""
    for error in errors:
        if is_unexpected(error):
            original = error.original_error
            log.error("GraphQL resolver failed", exc_info=original, extra={
                "graphql_path": ".".join(map(str, error.path or ())),
                "graphql_operation": context.operation_name if context else None})
