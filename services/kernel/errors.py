"""Domain errors. Each maps to one gRPC status (interceptors) and one HTTP status (gateway)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

import grpc


class DomainError(Exception):
    """A rule was broken; the message is safe to show to the caller."""

    code: ClassVar[grpc.StatusCode] = grpc.StatusCode.FAILED_PRECONDITION
    http_status: ClassVar[int] = 409

    def __init__(self, message: str, *, problem: str = "") -> None:
        super().__init__(message)
        self.message = message
        # A stable name for this refusal (`url-not-allowed`): clients branch on it, not on the
        # message's wording. It travels in the trailers; the gateway answers it as the
        # problem+json `type` (/problems/<name>) and GraphQL's `extensions.problem`.
        self.problem = problem

    def trailers(self) -> tuple[tuple[str, str], ...]:
        return ((PROBLEM_METADATA_KEY, self.problem),) if self.problem else ()


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


class QuotaExceeded(DomainError):
    """A plan's quota would be passed (services/kernel/plans.py). RESOURCE_EXHAUSTED, which no
    caller retries; its figures travel in the trailing metadata `QUOTA_METADATA_KEY`, so the
    gateway answers them (problem+json /problems/quota-exceeded, GraphQL extensions)."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED
    http_status = 403

    def __init__(self, message: str, *, quota: str, plan: str, limit: int, used: int,
                 resets_at: datetime | None = None) -> None:
        super().__init__(message, problem="quota-exceeded")
        self.quota, self.plan, self.limit, self.used = quota, plan, limit, used
        self.resets_at = resets_at

    def figures(self) -> dict[str, Any]:
        """What the caller is shown besides the message (resets_at: ISO 8601, or None)."""
        return {"quota": self.quota, "plan": self.plan, "limit": self.limit, "used": self.used,
                "resets_at": self.resets_at.isoformat() if self.resets_at else None}

    def trailers(self) -> tuple[tuple[str, str], ...]:
        return (*super().trailers(), (QUOTA_METADATA_KEY, json.dumps(self.figures())))

    @classmethod
    def from_trailers(cls, details: str,
                      trailers: Iterable[tuple[str, str | bytes]]) -> QuotaExceeded | None:
        """The error a service raised, from its status' details and trailers; None when they
        carry no quota (gRPC's own RESOURCE_EXHAUSTED: a message too large)."""
        raw = next((v for k, v in trailers if k == QUOTA_METADATA_KEY), None)
        if raw is None:
            return None
        try:
            f = json.loads(raw)
            resets = datetime.fromisoformat(f["resets_at"]) if f.get("resets_at") else None
            return cls(details, quota=str(f["quota"]), plan=str(f["plan"]),
                       limit=int(f["limit"]), used=int(f["used"]), resets_at=resets)
        except (ValueError, KeyError, TypeError):
            return None


QUOTA_METADATA_KEY = "x-switchboard-quota"
PROBLEM_METADATA_KEY = "x-switchboard-problem"

ERRORS_BY_CODE: dict[grpc.StatusCode, type[DomainError]] = {
    cls.code: cls
    for cls in (InvalidArgument, NotFound, Conflict, FailedPrecondition, PermissionDenied,
                Unauthenticated, Unavailable, Internal)
}
# What a retry may fix (the service is down, slow or briefly overloaded): Unavailable, a 503.
# Any other status no DomainError has is Internal, a 500 (INTERNAL, UNKNOWN, UNIMPLEMENTED...).
RETRYABLE_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
                             grpc.StatusCode.ABORTED})


def error_for_status(code: grpc.StatusCode, details: str,
                     trailers: Iterable[tuple[str, str | bytes]] = ()) -> DomainError:
    """The DomainError a caller raises for a failed call's status (and trailing metadata)."""
    if code is grpc.StatusCode.RESOURCE_EXHAUSTED:
        quota = QuotaExceeded.from_trailers(details, trailers)
        if quota is not None:
            return quota
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return Unavailable("the service did not answer in time")
    if code in RETRYABLE_CODES:
        return Unavailable(f"service error ({code.name})")
    cls = ERRORS_BY_CODE.get(code)
    if cls is None or cls is Internal:
        # What the service said stays in its own log (the interceptor says "internal error").
        return Internal(f"service error ({code.name})")
    problem = next((v for k, v in trailers if k == PROBLEM_METADATA_KEY), "")
    return cls(details or code.name,
               problem=problem.decode() if isinstance(problem, bytes) else problem)
