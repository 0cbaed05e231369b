"""The image's HEALTHCHECK: HTTP /healthz for the gateway (and `serve all`), gRPC health for a
service (SWITCHBOARD_GRPC_LISTEN set). Exit 0 when healthy, 1 otherwise. Standard library and
grpcio only, so it starts fast and writes nothing."""

from __future__ import annotations

import os
import sys
import urllib.request


def _grpc_ok(listen: str) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    port = listen.rsplit(":", 1)[1]
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=3)
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def _http_ok(port: str) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as resp:
        return resp.status == 200


def main() -> int:
    # With gRPC TLS on, health is asked on its plaintext, health-only port.
    listen = os.environ.get("SWITCHBOARD_GRPC_HEALTH_LISTEN") or os.environ.get("SWITCHBOARD_GRPC_LISTEN", "")
    try:
        ok = _grpc_ok(listen) if listen else _http_ok(os.environ.get("SWITCHBOARD_HTTP_PORT", "8080"))
    except Exception as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
