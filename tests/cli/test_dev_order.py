"""`switchboard dev` starts the gateway before the Avito emulator: the sandbox's buyers (the
chatter, a restored sandbox's backlog) never write to a gateway that does not listen yet."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from switchboard.devstack.ports import free_port
from tests.cli.test_dev import _start, _stop, _wait_ready

pytestmark = pytest.mark.slow


def _deliveries(emulator_url: str, at_least: int, within_s: float = 30) -> list[dict[str, Any]]:
    deadline = time.monotonic() + within_s
    while True:
        found: list[dict[str, Any]] = httpx.get(f"{emulator_url}/_emulator/deliveries",
                                                timeout=5).json()["deliveries"]
        settled = [d for d in found if d["state"] != "pending"]
        if len(settled) >= at_least or time.monotonic() > deadline:
            return settled
        time.sleep(0.2)


def test_the_sandbox_delivers_nothing_before_the_gateway_listens(tmp_path: Path) -> None:
    data, port, emulator_port = tmp_path / "sb", free_port(), free_port()
    url, emulator_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{emulator_port}"
    proc = _start(data, port, emulator_port, 0)  # the demo shop, subscribed to the gateway
    try:
        _wait_ready(proc, url)
    finally:
        _stop(proc)

    # Again, with buyers writing as soon as the sandbox is up.
    proc = _start(data, port, emulator_port, 0.05)
    try:
        _wait_ready(proc, url)
        deliveries = _deliveries(emulator_url, at_least=5)
    finally:
        _stop(proc)
    assert len(deliveries) >= 5
    # Before: the emulator started first, and its first deliveries met a closed port.
    unreached = [d for d in deliveries if d["status_code"] is None]
    assert unreached == [], unreached[:3]
