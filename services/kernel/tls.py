"""TLS from the settings' PEM files: the client side of NATS, both sides of gRPC
(docs/operations.md, "TLS"). Nothing here is on unless its files are named."""

from __future__ import annotations

import ssl
from pathlib import Path

import grpc

from services.kernel.config import KernelSettings


def nats_ssl_context(settings: KernelSettings) -> ssl.SSLContext | None:
    """Verify the NATS server against `nats_tls_ca` (and present a client certificate if one
    is named); None without a CA: a plaintext connection."""
    if not settings.nats_tls_ca:
        if settings.nats_tls_cert or settings.nats_tls_key:
            raise ValueError("SWITCHBOARD_NATS_TLS_CERT/KEY need SWITCHBOARD_NATS_TLS_CA")
        return None
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=settings.nats_tls_ca)
    cert, key = _pair(settings.nats_tls_cert, settings.nats_tls_key, "NATS")
    if cert:
        context.load_cert_chain(cert, key)
    return context


def grpc_server_credentials(settings: KernelSettings) -> grpc.ServerCredentials | None:
    """A service's certificate and key; None without them (plaintext, e.g. loopback)."""
    cert, key = _pair(settings.grpc_tls_cert, settings.grpc_tls_key, "GRPC")
    if not cert:
        return None
    return grpc.ssl_server_credentials([(Path(key).read_bytes(), Path(cert).read_bytes())])


def _pair(cert: str, key: str, what: str) -> tuple[str, str]:
    if bool(cert) != bool(key):
        raise ValueError(f"SWITCHBOARD_{what}_TLS_CERT and SWITCHBOARD_{what}_TLS_KEY go together")
    return cert, key
