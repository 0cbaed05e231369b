"""Settings shared by every component, read from SWITCHBOARD_* env vars (and OTEL_*)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class KernelSettings(BaseSettings):
    """Wiring common to all processes. Components subclass it and add their own fields."""

    model_config = SettingsConfigDict(env_prefix="SWITCHBOARD_", extra="ignore")

    # Runtime role: NOSUPERUSER NOBYPASSRLS, owns no table (migrations run as the owner).
    database_url: str = "postgresql+asyncpg://switchboard_app@127.0.0.1:5432/switchboard"
    database_pool_size: int = 10
    # One server, or a cluster's seed list separated by commas.
    nats_url: str = "nats://127.0.0.1:4222"
    # Fernet keys, comma-separated, newest first (MultiFernet rotation).
    secret_key: SecretStr = SecretStr("")
    # Shared credential every internal gRPC call carries; a bare tenant header is worthless.
    service_token: SecretStr = SecretStr("")
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
    # Listen address override for a service in its own pod, e.g. "0.0.0.0:50051".
    grpc_listen: str = ""
    # Standalone processes serve /metrics here (0 = off; `serve all` exposes the gateway's).
    metrics_port: int = 0
    # The gateway's public URL: webhook URLs registered with channels are built from it.
    public_base_url: str = "http://127.0.0.1:8080"
    shutdown_grace_s: float = 10.0


def async_database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and point SQLAlchemy at asyncpg."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url
