"""`switchboard bench [scenario ...] [--quick] [--out DIR]`: start the bench stack, run the
scenarios, write `latest.json` / `latest.md` and print the table."""

from __future__ import annotations

import importlib
import os
import platform as pyplatform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from switchboard import eventloop
from switchboard.bench.report import Figure, write_results
from switchboard.bench.stack import BenchStack
from switchboard.devstack.progress import Progress

# Order matters: the pipeline and noisy scenarios reuse nothing, inbox generates (or reuses) data.
SCENARIOS = ("ingress", "pipeline", "outbound", "noisy", "inbox", "knowledge", "agent",
             "telegram_fanout", "telegram_latency", "analytics_report", "retrieval", "api_flood")
# Scenarios that reach into the platform's objects (pinning its thread, lifting its lanes or
# limits, counting its gRPC calls): in-process only, not with --workers.
IN_PROCESS_ONLY = frozenset({"ingress", "inbox", "telegram_fanout", "telegram_latency",
                             "analytics_report", "api_flood"})


@dataclass
class Context:
    stack: BenchStack
    quick: bool
    progress: Progress
    out_dir: Path
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def repeats(self) -> int:
        return 1 if self.quick else 3


async def run_bench(scenarios: list[str], quick: bool, out_dir: Path,
                    data_dir: Path = Path(".switchboard/bench"), workers: int = 1) -> list[Figure]:
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenario(s) {sorted(unknown)}; choose from {SCENARIOS}")
    chosen = [s for s in SCENARIOS if s in scenarios] if scenarios else list(SCENARIOS)
    if workers > 1:
        if scenarios and set(scenarios) & IN_PROCESS_ONLY:
            raise SystemExit(f"{sorted(set(scenarios) & IN_PROCESS_ONLY)} need the platform "
                             "in-process: run them without --workers")
        chosen = [s for s in chosen if s not in IN_PROCESS_ONLY]
    progress = Progress(2 + len(chosen))
    stack = BenchStack(data_dir, database="bench_quick" if quick else "bench_full",
                       workers=workers)
    figures: list[Figure] = []
    started = time.time()
    ctx = Context(stack, quick, progress, out_dir)
    try:
        with progress.task("Starting PostgreSQL (fast mode) and NATS, migrating"):
            await stack.start_servers()
        with progress.task("Starting the platform (gateway, conversations, channels, agent, "
                           "telegram-bot) and the Avito and Telegram emulators"):
            await stack.start_platform()
            eventloop.tune_garbage_collector()  # as `serve` does
        for name in chosen:
            module = importlib.import_module(f"switchboard.bench.scenarios.{name}")
            with progress.task(f"Scenario {name}: {module.TITLE}"):
                t0 = time.monotonic()
                got = await module.run(ctx)
                ctx.details.setdefault(name, {})["elapsed_s"] = round(time.monotonic() - t0, 1)
            figures.extend(got)
    finally:
        await stack.stop()
    meta = {"started_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started)),
            "elapsed_s": round(time.time() - started, 1), "mode": "quick" if quick else "full",
            "scenarios": chosen, "cpus": os.cpu_count(), "workers": workers,
            "machine": f"{os.cpu_count()} CPU(s), {pyplatform.machine()}, Python "
                       f"{sys.version.split()[0]}, {pyplatform.system()} {pyplatform.release()}"}
    table = write_results(out_dir, figures, meta, ctx.details)
    print()
    print(table)
    print(f"Written: {out_dir / 'latest.json'} and {out_dir / 'latest.md'} "
          f"({meta['elapsed_s']} s)")
    return figures


def main(scenarios: list[str], quick: bool, out: Path | None, workers: int = 1) -> None:
    os.environ.setdefault("OTEL_SDK_DISABLED", "true")
    data_dir = Path(os.environ.get("SWITCHBOARD_BENCH_DIR", ".switchboard/bench"))
    eventloop.run(run_bench(scenarios, quick, out or data_dir, data_dir.absolute(), workers))
