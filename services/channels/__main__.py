"""`python -m services.channels`: the channels service as its own process (one pod)."""

from __future__ import annotations

import asyncio

from services.channels.config import ChannelsSettings
from services.channels.runtime import build_runtime
from services.kernel.logging import configure_logging
from services.kernel.runtime import serve_metrics, wait_for_shutdown_signal
from services.kernel.telemetry import configure_tracing


async def main() -> None:
    settings = ChannelsSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    configure_tracing(settings.service_name)
    runtime = await build_runtime(settings)
    await runtime.start()
    serve_metrics(settings.metrics_port)
    await wait_for_shutdown_signal()
    await runtime.stop(settings.shutdown_grace_s)


if __name__ == "__main__":
    asyncio.run(main())
