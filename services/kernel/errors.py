"""Domain errors. Each maps to one gRPC status (interceptors) and one HTTP status (gateway)."""

from __future__ import annotations

from typing import ClassVar

import grpc


class DomainError(Exception):
    """A rule was broken; the message is safe to show to the caller."""

    code: ClassVar[grpc.StatusCode] = grpc.StatusCode.FAILED_PRECONDITION
    http_status: ClassVar[int] = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(DomainError):
    code = grpc.StatusCode.INVALID_ARGUMENT
    http_status = 422


class NotFound(DomainError):
    code = grpc.StatusCode.NOT_FOUND
    http_status = 404


class Conflict(DomainError):
    code = grpc.StatusCode.ALREADY_EXISTS
    http_status = 409


class FailedPrecondition(DomainError):
    code = grpc.StatusCode.FAILED_PRECONDITION
    http_status = 409


class PermissionDenied(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED
    http_status = 403


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED
    http_status = 401


class Unavailable(DomainError):
    """A dependency (a channel API, the LLM) is down; retrying later may help."""

    code = grpc.StatusCode.UNAVAILABLE
    http_status = 503


class Internal(DomainError):
    """A service failed in a way retrying will not fix (its own bug, a broken invariant).
    Callers get a 500 with a correlation id to report, never the details."""

    code = grpc.StatusCode.INTERNAL
    http_status = 500


ERRORS_BY_CODE: dict[grpc.StatusCode, type[DomainError]] = {
    cls.code: cls
    for cls in (InvalidArgument, NotFound, Conflict, FailedPrecondition, PermissionDenied,
                Unauthenticated, Unavailable, Internal)
}
# What a retry may fix (the service is down, slow or briefly overloaded): Unavailable, a 503.
# Any other status no DomainError has is Internal, a 500 (INTERNAL, UNKNOWN, UNIMPLEMENTED...).
RETRYABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
                             grpc.StatusCode.ABORTED})


def error_for_status(code: grpc.StatusCode, details: str) -> DomainError:
    """The DomainError a caller raises for a failed call's status."""
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return Unavailable("the service did not answer in time")
    if code in RETRYABLE_CODES:
        return Unavailable(f"service error ({code.name})")
    cls = ERRORS_BY_CODE.get(code)
    if cls is None or cls is Internal:
        # What the service said stays in its own log (the interceptor says "internal error").
        return Internal(f"service error ({code.name})")
    return cls(details or code.name)
