"""`switchboard emulate llm`: the OpenAI-compatible emulator on its own, reached by the real
openai client, answering from a rules file."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai
import pytest

from switchboard.devstack.ports import free_port

pytestmark = pytest.mark.slow


def _wait(url: str, proc: subprocess.Popen[bytes], deadline_s: float = 30) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("the emulator exited early")
        try:
            if httpx.get(f"{url}/_emulator/rules", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the emulator did not come up")


def test_emulate_llm_serves_scripted_answers(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"match": {"contains": "Казань"},
                                  "reply": {"content": "Да, доставляем в Казань."}}]))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "switchboard", "emulate", "llm", "--port",
                             str(port), "--api-key", "sk-cli", "--rules-file", str(rules)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc)
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="sk-cli", max_retries=0)
        reply = client.chat.completions.create(
            model="sandbox-chat", messages=[{"role": "user", "content": "Доставка в Казань?"}])
        assert reply.choices[0].message.content == "Да, доставляем в Казань."
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=f"{url}/v1", api_key="wrong", max_retries=0).models.list()
        client.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(15)
