"""`switchboard streams`: create or update the JetStream streams of the catalogue, and create
its key-value buckets (the tenants' plans), then exit.

The Helm pre-install/pre-upgrade hook runs it after `switchboard migrate`, so stream replicas
(`SWITCHBOARD_STREAM_REPLICAS`) and limits are in place before any component starts. It
connects as the NATS admin user (SWITCHBOARD_NATS_USER, default "admin", and
SWITCHBOARD_NATS_PASSWORD): no component's user may create or change a stream.
"""

from __future__ import annotations

from clients.rpc.permissions import ADMIN
from clients.rpc.topics import BUCKETS, STREAMS
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings


async def ensure_streams(settings: KernelSettings) -> list[str]:
    bus = await Bus.connect_as(settings, ADMIN)
    try:
        await bus.ensure_streams(STREAMS)
        await bus.ensure_buckets(BUCKETS)
    finally:
        await bus.close()
    return [spec.name for spec in STREAMS]
