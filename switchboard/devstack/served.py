"""The platform as `switchboard serve all --workers N`, in processes of its own, configured by
env as an operator configures it: what `switchboard dev --workers N` and `switchboard bench
--workers N` run instead of the platform in their own process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

READY_WITHIN_S = 120.0


def serve_env(settings: Mapping[str, Any],
              per_component: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """`SWITCHBOARD_<SETTING>` for the shared settings and `SWITCHBOARD_<COMPONENT>__<SETTING>`
    for each component's own (its NATS user and password, its gRPC token)."""
    env = {**os.environ, "NO_PROXY": "*", "no_proxy": "*",
           **{f"SWITCHBOARD_{k.upper()}": str(v) for k, v in settings.items()}}
    for identity, own in per_component.items():
        env |= {f"SWITCHBOARD_{identity.upper()}__{k.upper()}": str(v)
                for k, v in own.items() if k != "grpc_callers"}
    return env


@dataclass
class ServedPlatform:
    settings: Mapping[str, Any]  # needs public_base_url (the gateway's, on http_port)
    per_component: Mapping[str, Mapping[str, Any]]
    workers: int
    log_path: Path
    proc: asyncio.subprocess.Process | None = None

    @property
    def gateway_url(self) -> str:
        return str(self.settings["public_base_url"])

    async def start(self) -> None:
        """Start it and wait until the gateway is ready (its log says why if it is not)."""
        with self.log_path.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "switchboard", "serve", "all", "--workers",
                str(self.workers), env=serve_env(self.settings, self.per_component),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_WITHIN_S
        async with httpx.AsyncClient(timeout=2) as http:
            while loop.time() < deadline:
                if self.proc.returncode is not None:
                    raise RuntimeError(f"serve all --workers exited; see {self.log_path}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"{self.gateway_url}/readyz")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise RuntimeError(f"serve all --workers not ready within {READY_WITHIN_S:.0f} s; "
                           f"see {self.log_path}")

    async def stop(self) -> None:
        """SIGTERM (the workers drain), SIGKILL past their grace."""
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.terminate()
        grace = 2 * float(self.settings.get("shutdown_grace_s", 10)) + 15
        try:
            await asyncio.wait_for(self.proc.wait(), grace)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
