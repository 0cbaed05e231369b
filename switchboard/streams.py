"""`switchboard streams`: create or update the JetStream streams of the catalogue, then exit.

The Helm pre-install/pre-upgrade hook runs it after `switchboard migrate`, so stream replicas
(`SWITCHBOARD_STREAM_REPLICAS`) and limits are in place before any component starts.
"""

from __future__ import annotations

from clients.rpc.topics import STREAMS
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings


async def ensure_streams(settings: KernelSettings) -> list[str]:
    bus = await Bus.connect(settings.nats_url, name="switchboard-streams",
                            replicas=settings.stream_replicas)
    try:
        await bus.ensure_streams(STREAMS)
    finally:
        await bus.close()
    return [spec.name for spec in STREAMS]
