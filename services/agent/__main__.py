"""`python -m services.agent`: run the agent service alone (as in Kubernetes)."""

from __future__ import annotations

import asyncio

from services.agent.config import AgentSettings
from services.agent.runtime import build_runtime
from services.kernel.logging import configure_logging
from services.kernel.runtime import serve_metrics, wait_for_shutdown_signal
from services.kernel.telemetry import configure_tracing


async def main() -> None:
    settings = AgentSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    configure_tracing("switchboard-agent")
    runtime = await build_runtime(settings)
    await runtime.start()
    serve_metrics(settings.metrics_port)
    await wait_for_shutdown_signal()
    await runtime.stop(settings.shutdown_grace_s)


if __name__ == "__main__":
    asyncio.run(main())
