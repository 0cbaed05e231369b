"""`switchboard serve <component>`: run until SIGTERM, then drain and stop."""

from __future__ import annotations

from services.kernel.config import KernelSettings
from services.kernel.logging import configure_logging
from services.kernel.runtime import serve_metrics, wait_for_shutdown_signal
from services.kernel.telemetry import configure_tracing
from switchboard.eventloop import tune_garbage_collector
from switchboard.serve import start_platform


async def serve_forever(components: tuple[str, ...]) -> None:
    settings = KernelSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    configure_tracing("switchboard-" + ("all" if len(components) > 1 else components[0]))
    platform = await start_platform(components)
    tune_garbage_collector()
    if "gateway" not in components:
        serve_metrics(settings.metrics_port)  # the gateway serves /metrics itself
    await wait_for_shutdown_signal()
    await platform.stop(settings.shutdown_grace_s)
