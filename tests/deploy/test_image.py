"""The container image: the Dockerfile's shape (Docker cannot run here), its healthcheck script
against the running platform, and the stream provisioning the migration hook runs."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path

import pytest

from clients.rpc.topics import STREAMS
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from switchboard.credentials import Credentials
from switchboard.devstack.ports import free_port
from switchboard.streams import ensure_streams
from tests.deploy.chart import ROOT
from tests.fixtures.platform import RunningPlatform

DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
HEALTHCHECK = ROOT / "deploy" / "docker" / "healthcheck.py"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", "\n".join(
        line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")))
    return [(m[1].upper(), m[2].strip()) for line in text.splitlines()
            if (m := re.match(r"\s*([A-Za-z]+)\s+(.*)", line))]


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for op, args in instructions():
        if op == "FROM":
            found.append([])
        if found:
            found[-1].append((op, args))
    return found


def test_multi_stage_build_on_python_311_slim() -> None:
    web, builder, runtime = stages()
    assert builder[0][1].endswith("AS builder") and runtime[0][1].endswith("AS runtime")
    bases = dict(args.split("=", 1) for op, args in instructions() if op == "ARG")
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", bases["PYTHON_IMAGE"])
    builder_runs = " ".join(args for op, args in builder if op == "RUN")
    assert "pip install" in builder_runs and re.search(r"pip install [^&]*\.(\s|$)", builder_runs)
    assert ("COPY", "--from=builder /opt/switchboard /opt/switchboard") in runtime
    assert not any(op == "RUN" and "pip" in args for op, args in runtime)  # nothing built at run
    # The web inbox: built from the lock in a node stage, only its files in the runtime.
    assert web[0][1].endswith("AS web") and re.fullmatch(r"node:\d+-\S+", bases["NODE_IMAGE"])
    web_runs = [args for op, args in web if op == "RUN"]
    assert web_runs[0].startswith("npm ci") and web_runs[-1] == "npm run build"
    assert ("COPY", "--from=web /web/dist /opt/switchboard/web") in runtime
    assert "SWITCHBOARD_WEB_DIST_DIR=/opt/switchboard/web" in " ".join(
        args for op, args in runtime if op == "ENV")


def test_copies_only_what_exists_and_never_fetches() -> None:
    for op, args in instructions():
        assert op != "ADD", "COPY only: ADD can fetch URLs and unpack archives"
        if op == "COPY" and not args.startswith("--from"):
            for source in args.split()[:-1]:
                assert (ROOT / source).exists(), source
        assert not re.search(r"\b(curl|wget)\b", args), (op, args)


def test_runtime_is_non_root_read_only_friendly_and_picks_the_component() -> None:
    runtime = stages()[-1]
    users = [args for op, args in runtime if op == "USER"]
    assert users and users[-1].split(":")[0] not in {"0", "root"} and users[-1].split(":")[0].isdigit()
    env = " ".join(args for op, args in runtime if op == "ENV")
    for setting in ("HOME=/tmp", "TMPDIR=/tmp", "PYTHONDONTWRITEBYTECODE=1", "SWITCHBOARD_HTTP_HOST=0.0.0.0"):
        assert setting in env
    ops = dict(runtime)
    assert json.loads(ops["ENTRYPOINT"]) == ["switchboard"]
    assert json.loads(ops["CMD"]) == ["serve", "all"]
    assert "healthcheck.py" in ops["HEALTHCHECK"] and "--interval" in ops["HEALTHCHECK"]
    usage = DOCKERFILE.read_text()  # the header documents the commands
    assert "IMAGE serve gateway" in usage and "IMAGE serve SERVICE" in usage
    assert "IMAGE migrate" in usage and "IMAGE streams" in usage


async def _healthcheck(**env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(HEALTHCHECK), env={**clean, **env},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    return await asyncio.wait_for(process.wait(), 20)


@pytest.mark.slow
async def test_healthcheck_script_checks_http_and_grpc(platform: RunningPlatform) -> None:
    gateway_port = platform.gateway_url.rsplit(":", 1)[1]
    assert await _healthcheck(SWITCHBOARD_HTTP_PORT=gateway_port) == 0
    for runtime in platform.platform.runtimes.values():
        assert await _healthcheck(SWITCHBOARD_GRPC_LISTEN=f"0.0.0.0:{runtime.grpc.port}") == 0
    closed = str(free_port())
    assert await _healthcheck(SWITCHBOARD_HTTP_PORT=closed) == 1
    assert await _healthcheck(SWITCHBOARD_GRPC_LISTEN=f"0.0.0.0:{closed}") == 1


async def test_stream_provisioning_is_idempotent(nats_url: str, bus: Bus,
                                                credentials: Credentials) -> None:
    settings = KernelSettings(nats_url=nats_url, stream_replicas=1, **credentials.admin_settings())
    for _ in range(2):
        assert await ensure_streams(settings) == [spec.name for spec in STREAMS]
    for spec in STREAMS:
        info = await bus.js.stream_info(spec.name)
        assert info.config.subjects == spec.subjects and info.config.num_replicas == 1


def test_image_docs_name_this_file() -> None:
    assert Path(ROOT, "docs", "operations.md").read_text().count("deploy/docker/Dockerfile") >= 1
