"""gRPC server interceptors: tracing, metrics, errors, the caller's credential, tenant, request.

Each wraps unary-unary handlers (every RPC of ours is unary). Health and reflection pass
through untouched so probes need no credentials.
"""

from __future__ import annotations

import abc
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.message import Message
from grpc.aio import ServicerContext
from opentelemetry import context as otel_context
from opentelemetry import trace

from services.kernel import telemetry
from services.kernel.errors import (
    DomainError,
    InvalidArgument,
    PermissionDenied,
    Unauthenticated,
)
from services.kernel.tenancy import current_tenant, parse_tenant
from services.kernel.validation import check_message_text
from services.kernel.wire import (
    CALLER_METADATA_KEY,
    SERVICE_TOKEN_METADATA_KEY,
    TENANT_METADATA_KEY,
    token_digest,
)

log = logging.getLogger(__name__)
_OPEN_PREFIXES = ("/grpc.health.v1.", "/grpc.reflection.")

CallNext = Callable[[Any, ServicerContext], Awaitable[Any]]


def metadata_of(context: ServicerContext) -> dict[str, str]:
    return {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}


class UnaryInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Base: subclasses implement `around(method, request, context, call_next)`."""

    async def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        handler = await continuation(details)
        method: str = details.method
        if handler is None or handler.unary_unary is None or method.startswith(_OPEN_PREFIXES):
            return handler
        inner = handler.unary_unary

        async def wrapped(request: Any, context: ServicerContext) -> Any:
            return await self.around(method, request, context, inner)

        return grpc.unary_unary_rpc_method_handler(
            wrapped, request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer)

    @abc.abstractmethod
    async def around(self, method: str, request: Any, context: ServicerContext,
                     call_next: CallNext) -> Any:
        """Handle one call; `call_next(request, context)` runs the rest of the chain."""


class TracingInterceptor(UnaryInterceptor):
    """Continues the caller's trace (W3C traceparent in metadata) with a server span."""

    def __init__(self) -> None:
        self._tracer = telemetry.tracer("switchboard.grpc")

    async def around(self, method: str, request: Any, context: ServicerContext,
                     call_next: CallNext) -> Any:
        token = otel_context.attach(telemetry.extract_trace_context(metadata_of(context)))  # type: ignore[arg-type]
        try:
            with self._tracer.start_as_current_span(
                    method.lstrip("/"), kind=trace.SpanKind.SERVER,
                    attributes={"rpc.system": "grpc", "rpc.method": method}):
                return await call_next(request, context)
        finally:
            otel_context.detach(token)


class MetricsInterceptor(UnaryInterceptor):
    async def around(self, method: str, request: Any, context: ServicerContext,
                     call_next: CallNext) -> Any:
        started = time.perf_counter()
        code = "OK"
        try:
            return await call_next(request, context)
        except BaseException:
            code = _code_name(context) or "UNKNOWN"
            raise
        finally:
            telemetry.GRPC_SERVER_REQUESTS.labels(method, code).inc()
            telemetry.GRPC_SERVER_LATENCY.labels(method).observe(time.perf_counter() - started)


# A status message travels in the trailers, which gRPC caps at 16 KB (percent-encoded): a
# longer one, e.g. echoing a huge bad id, turns the answer into RESOURCE_EXHAUSTED.
MAX_STATUS_MESSAGE = 1000


def _bounded(message: str) -> str:
    return message if len(message) <= MAX_STATUS_MESSAGE else f"{message[:MAX_STATUS_MESSAGE]}…"


def _code_name(context: ServicerContext) -> str | None:
    code = context.code()
    return code.name if isinstance(code, grpc.StatusCode) else None


class ErrorInterceptor(UnaryInterceptor):
    """DomainError -> its status with the message; anything else -> INTERNAL, logged, no leak."""

    async def around(self, method: str, request: Any, context: ServicerContext,
                     call_next: CallNext) -> Any:
        try:
            return await call_next(request, context)
        except DomainError as exc:  # its problem's name (and a quota's figures) in the trailers
            await context.abort(exc.code, _bounded(exc.message), trailing_metadata=exc.trailers())
        except grpc.aio.AbortError:
            raise
        except Exception:
            log.exception("unhandled error in RPC", extra={"method": method})
            await context.abort(grpc.StatusCode.INTERNAL, "internal error")


@dataclass(frozen=True)
class CallerPolicy:
    """Who may call a service: the digest of each known caller's token (SWITCHBOARD_GRPC_CALLERS),
    the callers this service accepts (its row of clients/rpc/permissions.CALLERS), and the
    callers held to RPCs of their own (`own`: caller -> full method names; those RPCs are
    refused to every other caller, every other RPC to them) except the `shared` ones among
    them, which a held caller may make and every other caller too."""

    digests: Mapping[str, str]
    accepted: frozenset[str]
    own: Mapping[str, frozenset[str]] = field(default_factory=dict)
    shared: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, callers: str, accepted: Iterable[str],
              own: Mapping[str, Iterable[str]] | None = None,
              shared: Iterable[str] = ()) -> CallerPolicy:
        """`callers`: "<name>:<sha256 hex>,..."; refuses to serve with none of `accepted` in it
        (secure by default: no credential, no calls, rather than any call)."""
        digests: dict[str, str] = {}
        for entry in filter(None, (e.strip() for e in callers.split(","))):
            name, _, digest = entry.partition(":")
            if not name or len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
                raise ValueError(f"SWITCHBOARD_GRPC_CALLERS: {entry[:40]!r} is not <caller>:<sha256 hex>")
            digests[name] = digest
        policy = cls(digests, frozenset(accepted),
                     {name: frozenset(methods) for name, methods in (own or {}).items()},
                     frozenset(shared))
        if not policy.accepted & set(digests):
            raise ValueError("SWITCHBOARD_GRPC_CALLERS names none of the callers this service "
                             f"accepts ({', '.join(sorted(policy.accepted))}): nobody could call it")
        return policy

    def check(self, caller: str, token: str, method: str = "") -> None:
        digest = self.digests.get(caller, "")
        if not token or not hmac.compare_digest(token_digest(token), digest):
            raise Unauthenticated("unknown caller or wrong credential")
        if caller not in self.accepted:
            raise PermissionDenied(f"caller {caller!r} may not call this service")
        mine = self.own.get(caller)
        if mine is not None and method not in mine:
            raise PermissionDenied(f"caller {caller!r} may not call {method}")
        if mine is None and method not in self.shared and any(
                method in others for others in self.own.values()):
            raise PermissionDenied(f"{method} is not for caller {caller!r}")


class AuthInterceptor(UnaryInterceptor):
    """Checks the caller's name and token, then binds the tenant from metadata.

    Methods in `tenantless` (cross-tenant plumbing such as webhook resolution) need a caller
    but no tenant.
    """

    def __init__(self, callers: CallerPolicy, tenantless: frozenset[str] = frozenset()) -> None:
        self._callers = callers
        self._tenantless = tenantless

    async def around(self, method: str, request: Any, context: ServicerContext,
                     call_next: CallNext) -> Any:
        meta = metadata_of(context)
        caller = meta.get(CALLER_METADATA_KEY, "")
        try:
            self._callers.check(caller, meta.get(SERVICE_TOKEN_METADATA_KEY, ""), method)
        except DomainError as exc:
            log.warning("gRPC call refused", extra={"method": method, "caller": caller[:64],
                                                    "reason": exc.message})
            raise
        if method in self._tenantless:
            return await call_next(request, context)
        token = current_tenant.set(parse_tenant(meta.get(TENANT_METADATA_KEY)))
        try:
            return await call_next(request, context)
        finally:
            current_tenant.reset(token)


class _Undecodable:
    """What a request that does not decode becomes, so that the chain answers it (gRPC itself
    would answer a deserializer's exception with INTERNAL)."""

    def __init__(self, error: Exception) -> None:
        self.error = error


class RequestInterceptor(UnaryInterceptor):
    """A request that does not decode, or whose text cannot be stored (a NUL character), is
    INVALID_ARGUMENT naming the field, for every RPC: never a database error (INTERNAL)."""

    async def intercept_service(self, continuation: Any, details: grpc.HandlerCallDetails) -> Any:
        handler = await super().intercept_service(continuation, details)
        if handler is None or handler.unary_unary is None or handler.request_deserializer is None \
                or details.method.startswith(_OPEN_PREFIXES):
            return handler
        decode = handler.request_deserializer

        def tolerant(data: bytes) -> Any:
            try:
                return decode(data)
            except Exception as exc:  # protobuf's DecodeError, invalid UTF-8 in a string
                return _Undecodable(exc)

        return grpc.unary_unary_rpc_method_handler(
            handler.unary_unary, request_deserializer=tolerant,
            response_serializer=handler.response_serializer)

    async def around(self, method: str, request: Any, context: ServicerContext,
                     call_next: CallNext) -> Any:
        if isinstance(request, _Undecodable):
            raise InvalidArgument(f"the request does not decode: {request.error}")
        if isinstance(request, Message):
            check_message_text(request)
        return await call_next(request, context)


def kernel_interceptors(callers: CallerPolicy,
                        tenantless: frozenset[str] = frozenset()) -> list[grpc.aio.ServerInterceptor]:
    """Outermost first: the trace spans everything, errors are mapped before metrics see them,
    and only an authenticated caller's request is looked into."""
    return [TracingInterceptor(), MetricsInterceptor(), ErrorInterceptor(),
            AuthInterceptor(callers, tenantless), RequestInterceptor()]
