"""`switchboard jobs`: the platform jobs the scheduling service fires (list, history, run now),
through scheduling's gRPC `PlatformJobs` as the gateway's caller.

Where: `SWITCHBOARD_SCHEDULING_TARGET` (default 127.0.0.1:50066, the dev stack's), the
gateway's token `SWITCHBOARD_GRPC_TOKEN` (in a cluster: run it in the gateway's pod), else the
dev stack's `credentials.json` in `--data-dir` (`.switchboard`, as `switchboard dev`'s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Callable, Coroutine
from datetime import UTC
from pathlib import Path
from typing import Any

DEV_DATA_DIR = Path(".switchboard")


def register(sub: Any) -> None:
    """Add `jobs`, `jobs runs JOB` and `jobs run JOB` to the CLI's subcommands."""
    jobs = sub.add_parser("jobs", help="platform jobs: list them with their next and last run "
                                       "(runs JOB: its history; run JOB: now)")
    jobs.add_argument("--data-dir", type=Path, default=DEV_DATA_DIR, help=(
        "the dev stack's data directory, for its credentials (as given to switchboard dev)"))
    jobs.set_defaults(handler=lambda args: _call(_list, args))
    actions = jobs.add_subparsers(metavar="action")
    runs = actions.add_parser("runs", help="a job's recent runs, newest first")
    runs.add_argument("job", help="e.g. channels.reconcile")
    runs.add_argument("--limit", type=int, default=20, help="1..200 (default 20)")
    runs.set_defaults(handler=lambda args: _call(_runs, args))
    run = actions.add_parser("run", help="run a job now (its owner takes one round)")
    run.add_argument("job")
    run.set_defaults(handler=lambda args: _call(_run_now, args))


def _call(action: Callable[[Any, argparse.Namespace], Coroutine[Any, Any, None]],
          args: argparse.Namespace) -> None:
    from clients.rpc.base import open_channel
    from clients.rpc.platform_jobs import PlatformJobsClient
    from services.kernel.config import KernelSettings
    from services.kernel.wire import Caller

    settings = KernelSettings()
    token = settings.grpc_token.get_secret_value()
    credentials = args.data_dir / "credentials.json"
    if not token and credentials.is_file():
        token = json.loads(credentials.read_text()).get("grpc", {}).get("gateway", "")
    if not token:
        raise SystemExit(f"no {credentials}: set SWITCHBOARD_GRPC_TOKEN to the gateway's token, "
                         "or give --data-dir as to switchboard dev")
    ca = Path(settings.grpc_tls_ca).read_bytes() if settings.grpc_tls_ca else None
    caller = Caller("gateway", token, ca)

    async def main() -> None:
        client = PlatformJobsClient(open_channel(settings.scheduling_target, caller), caller)
        try:
            await action(client, args)
        finally:
            await client.channel.close()
    asyncio.run(main())


async def _list(client: Any, args: argparse.Namespace) -> None:
    jobs = await client.jobs()
    if not jobs:
        print("no platform jobs yet (the scheduling service seeds them as it starts)")
    for job in jobs:
        state = f"every {job.interval_s:g} s" if job.enabled else "disabled"
        print(f"{job.name}  {state}  next: {_at(job, 'next_run_at')}")
        if job.HasField("last_run"):
            print(f"    last: {_describe(job.last_run)}")


async def _runs(client: Any, args: argparse.Namespace) -> None:
    for run in await client.runs(args.job, args.limit):
        print(_describe(run))


async def _run_now(client: Any, args: argparse.Namespace) -> None:
    job = await client.run_now(args.job)
    print(f"{job.name}: asked to run now; `switchboard jobs runs {job.name}` shows the outcome")


def _at(message: Any, field: str) -> str:
    if not message.HasField(field):
        return "-"
    return getattr(message, field).ToDatetime(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _describe(run: Any) -> str:
    line = (f"{_at(run, 'started_at')}  {run.trigger:<9} {run.status:<7} "
            f"processed {run.processed}, failed {run.failed}, remaining {run.remaining}")
    if run.detail:
        line += f" ({run.detail})"
    if run.error:
        line += f"  error: {run.error}"
    return line
