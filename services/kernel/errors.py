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


ERRORS_BY_CODE: dict[grpc.StatusCode, type[DomainError]] = {
    cls.code: cls
    for cls in (InvalidArgument, NotFound, Conflict, FailedPrecondition, PermissionDenied,
                Unauthenticated, Unavailable)
}
