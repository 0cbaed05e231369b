"""`python -m switchboard.streams`: create or update the JetStream streams, then exit.

The Helm pre-install/pre-upgrade hook runs it after `switchboard migrate`, so stream replicas
(`SWITCHBOARD_STREAM_REPLICAS`) and limits are in place before any component starts.
"""

from __future__ import annotations

import asyncio

from services.kernel.bus import STREAMS, Bus
from services.kernel.config import KernelSettings


async def ensure_streams(settings: KernelSettings) -> list[str]:
    bus = await Bus.connect(settings.nats_url, name="switchboard-streams",
                            replicas=settings.stream_replicas)
    try:
        await bus.ensure_streams()
    finally:
        await bus.close()
    return [spec.name for spec in STREAMS]


def main() -> None:
    settings = KernelSettings()
    names = asyncio.run(ensure_streams(settings))
    print(f"streams ready ({settings.stream_replicas} replica(s)): {', '.join(names)}")


if __name__ == "__main__":
    main()
