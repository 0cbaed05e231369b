"""`switchboard dev` from an empty data folder, and again on the same data."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from switchboard.devstack.ports import free_port

pytestmark = pytest.mark.slow


def _start(data: Path, port: int, emulator_port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SWITCHBOARD_DATABASE_URL", "SWITCHBOARD_NATS_URL")}
    # The services' default gRPC ports may be taken on a busy machine: use free ones.
    for service in ("CONVERSATIONS", "CHANNELS", "AGENT"):
        env[f"SWITCHBOARD_{service}_TARGET"] = f"127.0.0.1:{free_port()}"
    return subprocess.Popen(
        [sys.executable, "-m", "switchboard", "dev", "--data-dir", str(data), "--port", str(port),
         "--emulator-port", str(emulator_port), "--chatter-interval", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _wait_ready(proc: subprocess.Popen[str], url: str, deadline_s: float = 90) -> str:
    """Read progress lines until the summary appears; return everything printed."""
    lines: list[str] = []
    deadline = time.monotonic() + deadline_s
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            raise AssertionError("switchboard dev exited early:\n" + "".join(lines))
        lines.append(line)
        if line.startswith("Ctrl-C stops everything"):
            assert httpx.get(f"{url}/readyz", timeout=5).status_code == 200
            return "".join(lines)
    raise AssertionError("switchboard dev did not come up:\n" + "".join(lines))


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


def test_dev_comes_up_writes_dev_json_and_reuses_data(tmp_path: Path) -> None:
    data, port, emulator_port = tmp_path / "sb", free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(data, port, emulator_port)
    try:
        output = _wait_ready(proc, url)
        for step in ("Starting PostgreSQL", "Applying migrations", "Starting nats-server",
                     "Seeding the demo tenant"):
            assert step in output
        info = json.loads((data / "dev.json").read_text())
        assert set(info) == {"gateway_url", "api_key", "tenant_id", "login", "avito", "nats_url",
                             "database_url"}
        assert set(info["avito"]) == {"emulator_url", "channel_id", "user_id", "webhook_url"}
        auth = {"Authorization": f"Bearer {info['api_key']}"}
        httpx.post(f"{info['avito']['emulator_url']}/_emulator/accounts/{info['avito']['user_id']}"
                   "/incoming", json={"text": "Первый запуск"}, timeout=5).raise_for_status()
        _eventually_conversations(url, auth, 1)
    finally:
        _stop(proc)
    assert not _listening(port)

    proc = _start(data, port, emulator_port)
    try:
        _wait_ready(proc, url)
        again = json.loads((data / "dev.json").read_text())
        assert again["api_key"] == info["api_key"] and again["tenant_id"] == info["tenant_id"]
        # The data survived: the conversation is still there, and the sandbox account too.
        _eventually_conversations(url, auth, 1)
        httpx.post(f"{info['avito']['emulator_url']}/_emulator/accounts/{info['avito']['user_id']}"
                   "/incoming", json={"text": "Второй запуск"}, timeout=5).raise_for_status()
        _eventually_conversations(url, auth, 2)
    finally:
        _stop(proc)


def _eventually_conversations(url: str, auth: dict[str, str], count: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        items = httpx.get(f"{url}/v1/conversations", headers=auth, timeout=5).json()["items"]
        if len(items) >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"expected {count} conversations")


def _listening(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
    except httpx.TransportError:
        return False
    return True
