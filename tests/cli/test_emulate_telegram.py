"""`switchboard emulate telegram`: the Bot API emulator on its own, its sandbox kept in a state
file across a restart."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from switchboard.devstack.ports import free_port

pytestmark = pytest.mark.slow


@contextmanager
def emulator(port: int, state_file: Path) -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, "-m", "switchboard", "emulate", "telegram", "--port",
                             str(port), "--state-file", str(state_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, "the emulator exited early"
            assert time.monotonic() < deadline, "the emulator did not come up"
            try:
                if httpx.get(f"{url}/_emulator/bots", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(15)


def test_emulate_telegram_serves_the_bot_api_and_keeps_its_sandbox(tmp_path: Path) -> None:
    port, state_file = free_port(), tmp_path / "telegram.json"
    with emulator(port, state_file) as url:
        bot = httpx.post(f"{url}/_emulator/bots", json={"username": "cli_test_bot"}).json()
        me = httpx.get(f"{url}/bot{bot['token']}/getMe").json()
        assert me["ok"] is True and me["result"]["username"] == "cli_test_bot"
    with emulator(port, state_file) as url:
        again = httpx.post(f"{url}/bot{bot['token']}/getMe").json()
        assert again["result"]["id"] == bot["id"]
