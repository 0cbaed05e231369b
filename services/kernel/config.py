"""Settings shared by every component, read from SWITCHBOARD_* env vars (and OTEL_*)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.kernel.wire import Caller


class KernelSettings(BaseSettings):
    """Wiring common to all processes. Components subclass it and add their own fields."""

    model_config = SettingsConfigDict(env_prefix="SWITCHBOARD_", extra="ignore")

    # Runtime role: NOSUPERUSER NOBYPASSRLS, owns no table (migrations run as the owner).
    database_url: str = "postgresql+asyncpg://switchboard_app@127.0.0.1:5432/switchboard"
    database_pool_size: int = 10
    # One server, or a cluster's seed list separated by commas.
    nats_url: str = "nats://127.0.0.1:4222"
    # This component's NATS user (default: its own name, e.g. "channels") and password; the
    # user's permissions are those of clients/rpc/permissions.py. Empty: no credentials.
    nats_user: str = ""
    nats_password: SecretStr = SecretStr("")
    # TLS to NATS: the CA (PEM file) the server's certificate is verified with; a client
    # certificate and key when the server asks for one (mutual TLS).
    nats_tls_ca: str = ""
    nats_tls_cert: str = ""
    nats_tls_key: str = ""
    # Fernet keys, comma-separated, newest first (MultiFernet rotation).
    secret_key: SecretStr = SecretStr("")
    # This component's own gRPC token, sent with its name on every call to a service.
    grpc_token: SecretStr = SecretStr("")
    # What a service checks callers against: "<caller>:<sha256 of its token>", comma-separated
    # (`switchboard credentials` prints it). A service accepts only the callers its row of
    # permissions.CALLERS names; a bare tenant header is worthless without one of these.
    grpc_callers: str = ""
    # TLS for gRPC: a service's certificate and key (PEM files), and the CA every caller
    # verifies the services with. A service with TLS also answers plaintext gRPC health on
    # grpc_health_listen (Kubernetes' gRPC probes speak no TLS).
    grpc_tls_cert: str = ""
    grpc_tls_key: str = ""
    grpc_tls_ca: str = ""
    grpc_health_listen: str = ""
    log_level: str = "INFO"
    log_json: bool = True
    # JetStream stream replicas (1 for the embedded stack, 3 on a cluster).
    stream_replicas: int = Field(default=1, ge=1, le=5)
    service_name: str = "switchboard"
    # Where each service is reached (and, unless grpc_listen says otherwise, where it listens).
    channels_target: str = "127.0.0.1:50061"
    conversations_target: str = "127.0.0.1:50062"
    # The agent process serves AgentService and KnowledgeService on one port.
    agent_target: str = "127.0.0.1:50063"
    analytics_target: str = "127.0.0.1:50065"
    scheduling_target: str = "127.0.0.1:50066"
    integrations_target: str = "127.0.0.1:50067"
    # Listen address override for a service in its own pod, e.g. "0.0.0.0:50051".
    grpc_listen: str = ""
    # A client connection lives this long, then the server asks it to reconnect (GOAWAY; calls
    # in flight get 30 s more): the client resolves the target's DNS name again and so finds
    # the replicas an autoscaler added since. 0 = forever.
    grpc_max_connection_age_s: float = Field(default=300.0, ge=0)
    # Standalone processes serve /metrics here (0 = off; `serve all` exposes the gateway's).
    metrics_port: int = 0
    # Plans (services/kernel/plans.py): the catalogue as JSON (empty: the built-in free,
    # start, business, unlimited), the plan of a tenant none was set for, and how long a
    # process keeps a tenant's plan before reading it again from the plans bucket.
    plans: str = ""
    default_plan: str = "unlimited"
    plan_cache_s: float = Field(default=30.0, ge=0)
    # The gateway's public URL: webhook URLs registered with channels are built from it.
    public_base_url: str = "http://127.0.0.1:8080"
    shutdown_grace_s: float = 10.0

    def caller(self, component: str) -> Caller:
        """How `component` calls the services: its name, its token, the CA to verify them by."""
        ca = Path(self.grpc_tls_ca).read_bytes() if self.grpc_tls_ca else None
        return Caller(component, self.grpc_token.get_secret_value(), ca)


def async_database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and point SQLAlchemy at asyncpg."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url
