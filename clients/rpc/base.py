"""The call path shared by every service client."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc

from services.kernel.errors import DomainError, error_for_status
from services.kernel.telemetry import inject_trace_headers
from services.kernel.wire import (
    CALLER_METADATA_KEY,
    MESSAGE_SIZE_OPTIONS,
    SERVICE_TOKEN_METADATA_KEY,
    TENANT_METADATA_KEY,
    Caller,
)

R = TypeVar("R")

DEFAULT_DEADLINE_S = 5.0
# round_robin: a call goes to the next ready replica of those the target resolves to (every
# pod behind a headless Service's DNS name, or an `ipv4:a,b` list); gRPC's default
# (pick_first) would send a process's every call to one replica. UNAVAILABLE is retried.
_SERVICE_CONFIG = json.dumps({
    "loadBalancingConfig": [{"round_robin": {}}],
    "methodConfig": [{"name": [{}], "retryPolicy": {
        "maxAttempts": 3, "initialBackoff": "0.05s", "maxBackoff": "0.5s",
        "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]})


def open_channel(target: str, caller: Caller | None = None) -> grpc.aio.Channel:
    """A channel to a service's replicas (`host:port`, `dns:///name:port`, `ipv4:a,b`): TLS
    verified with the caller's CA when it has one, plaintext otherwise (loopback); calls
    balanced round robin; UNAVAILABLE retried with backoff by gRPC."""
    options = [("grpc.enable_retries", 1), ("grpc.service_config", _SERVICE_CONFIG),
               ("grpc.keepalive_time_ms", 30_000), *MESSAGE_SIZE_OPTIONS]
    if caller is not None and caller.ca is not None:
        return grpc.aio.secure_channel(
            target, grpc.ssl_channel_credentials(root_certificates=caller.ca), options=options)
    return grpc.aio.insecure_channel(target, options=options)


class ServiceClient:
    def __init__(self, channel: grpc.aio.Channel, caller: Caller,
                 deadline_s: float = DEFAULT_DEADLINE_S) -> None:
        self.channel = channel
        self._caller = caller
        self._deadline_s = deadline_s

    def _metadata(self, tenant_id: uuid.UUID | None) -> list[tuple[str, str]]:
        meta = inject_trace_headers({CALLER_METADATA_KEY: self._caller.name,
                                     SERVICE_TOKEN_METADATA_KEY: self._caller.token})
        if tenant_id is not None:
            meta[TENANT_METADATA_KEY] = str(tenant_id)
        return list(meta.items())

    async def _call(self, rpc: Callable[..., Awaitable[R]], request: Any,
                    tenant_id: uuid.UUID | None, deadline_s: float | None = None) -> R:
        try:
            return await rpc(request, metadata=self._metadata(tenant_id),
                             timeout=deadline_s or self._deadline_s)
        except grpc.aio.AioRpcError as exc:
            raise to_domain_error(exc) from exc


def to_domain_error(exc: grpc.aio.AioRpcError) -> DomainError:
    return error_for_status(exc.code(), exc.details() or "", exc.trailing_metadata() or ())
