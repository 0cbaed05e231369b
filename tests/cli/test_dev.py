"""`switchboard dev` from an empty data folder, and again on the same data."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from switchboard.devstack.ports import free_port

pytestmark = pytest.mark.slow


def _start(data: Path, port: int, emulator_port: int,
           chatter_s: float = 0, telegram_port: int | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SWITCHBOARD_DATABASE_URL", "SWITCHBOARD_NATS_URL")}
    # The services' default gRPC ports (5006x) may be taken on a busy machine or by another
    # test worker's dev: use free ones, for every service dev starts.
    for service in ("CONVERSATIONS", "CHANNELS", "AGENT", "ANALYTICS", "SCHEDULING"):
        env[f"SWITCHBOARD_{service}_TARGET"] = f"127.0.0.1:{free_port()}"
    return subprocess.Popen(
        [sys.executable, "-m", "switchboard", "dev", "--data-dir", str(data), "--port", str(port),
         "--emulator-port", str(emulator_port),
         "--telegram-port", str(telegram_port or _telegram_ports.setdefault(data, free_port())),
         "--chatter-interval", str(chatter_s)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


# One Telegram emulator port per data folder across restarts (its URL is in the bot's records).
_telegram_ports: dict[Path, int] = {}


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
                             "database_url", "telegram", "telegram_channel"}
        assert set(info["avito"]) == {"emulator_url", "channel_id", "user_id", "webhook_url"}
        assert set(info["telegram"]) == {"emulator_url", "bot_id", "bot_username",
                                         "group_chat_id", "owner_telegram_user_id"}
        # The bus is the production one: anonymous clients refused, the components' credentials
        # made once for this data folder, readable by its owner only (issue #19).
        assert "Authorization Violation" in _anonymous_nats(info["nats_url"])
        credentials = (data / "credentials.json").read_text()
        assert (data / "credentials.json").stat().st_mode & 0o777 == 0o600
        auth = {"Authorization": f"Bearer {info['api_key']}"}
        httpx.post(f"{info['avito']['emulator_url']}/_emulator/accounts/{info['avito']['user_id']}"
                   "/incoming", json={"text": "Первый запуск"}, timeout=5).raise_for_status()
        _eventually_conversations(url, auth, 1)
        _eventually_topic(info, "Первый запуск")  # the sandbox bot posts it to its group
        owner = httpx.get(f"{url}/v1/telegram/links/{info['telegram']['owner_telegram_user_id']}",
                          headers=auth, timeout=5)
        assert owner.status_code == 200 and owner.json()["user"]["role"] == "owner", owner.text
        _telegram_buyer_writes(url, auth, info["telegram_channel"], "Пишу в Telegram")
    finally:
        _stop(proc)
    assert not _listening(port)

    proc = _start(data, port, emulator_port)
    try:
        _wait_ready(proc, url)
        again = json.loads((data / "dev.json").read_text())
        assert again["api_key"] == info["api_key"] and again["tenant_id"] == info["tenant_id"]
        assert again["telegram"] == info["telegram"]
        assert again["telegram_channel"] == info["telegram_channel"]
        assert (data / "credentials.json").read_text() == credentials  # reused
        # The data survived: the conversation is still there, and the sandbox account too.
        _eventually_conversations(url, auth, 1)
        httpx.post(f"{info['avito']['emulator_url']}/_emulator/accounts/{info['avito']['user_id']}"
                   "/incoming", json={"text": "Второй запуск"}, timeout=5).raise_for_status()
        _eventually_conversations(url, auth, 2)
        _eventually_topic(info, "Второй запуск")
    finally:
        _stop(proc)


def _anonymous_nats(url: str) -> str:
    """What the server says to a client without credentials."""
    async def connect() -> str:
        try:
            nc = await nats.connect(url, allow_reconnect=False, connect_timeout=3)
        except nats.errors.Error as refused:
            return str(refused)
        await nc.close()
        return "connected"
    return asyncio.run(connect())


@pytest.mark.timeout(300)  # three starts of the whole dev stack
def test_dev_restarts_when_dev_json_is_lost_but_the_data_is_not(tmp_path: Path) -> None:
    """Only hashes of the API key and the password are stored: a restart without dev.json
    reuses the demo tenant, its sandbox account and channel, with a fresh key and password;
    and when the emulator's saved state is gone too, the channel gets its account back."""
    data, port, emulator_port = tmp_path / "sb", free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start(data, port, emulator_port)
    try:
        _wait_ready(proc, url)
        first = json.loads((data / "dev.json").read_text())
        _buyer_writes(first, "До потери dev.json")
        _eventually_conversations(url, {"Authorization": f"Bearer {first['api_key']}"}, 1)
    finally:
        _stop(proc)

    (data / "dev.json").unlink()
    again = _restarted_with_the_same_shop(data, port, emulator_port, first)
    assert again["avito"] == first["avito"]  # the same account, channel and webhook URL

    (data / "dev.json").unlink()
    (data / "avito-emulator.json").unlink()
    (data / "telegram-emulator.json").unlink()
    third = _restarted_with_the_same_shop(data, port, emulator_port, first)
    assert third["avito"]["webhook_url"] != first["avito"]["webhook_url"]  # connected again
    # The sandbox bot, its group and its owner are made again with the same ids, and the
    # platform's bot (registered again: the webhook was lost with the state) is the same.
    assert third["telegram"] == first["telegram"]
    # The customer-channel bot too: connected again (its webhook was lost), the same channel.
    assert third["telegram_channel"] == first["telegram_channel"]


def _restarted_with_the_same_shop(data: Path, port: int, emulator_port: int,
                                  first: dict[str, Any]) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}"
    proc = _start(data, port, emulator_port)
    try:
        _wait_ready(proc, url)
        info: dict[str, Any] = json.loads((data / "dev.json").read_text())
        assert info["tenant_id"] == first["tenant_id"] and info["api_key"] != first["api_key"]
        assert (info["avito"]["channel_id"], info["avito"]["user_id"]) == \
            (first["avito"]["channel_id"], first["avito"]["user_id"])
        auth = {"Authorization": f"Bearer {info['api_key']}"}
        channels = httpx.get(f"{url}/v1/channels", headers=auth, timeout=5).json()["items"]
        assert [(c["id"], c["kind"], c["status"]) for c in channels] == \
            [(first["avito"]["channel_id"], "avito", "active"),
             (first["telegram_channel"]["channel_id"], "telegram", "active")]
        accounts = httpx.get(f"{info['avito']['emulator_url']}/_emulator/accounts",
                             timeout=5).json()["accounts"]
        assert [a["user_id"] for a in accounts] == [first["avito"]["user_id"]]
        documents = httpx.get(f"{url}/v1/agent/knowledge/documents", headers=auth,
                              timeout=5).json()["items"]
        assert [d["name"] for d in documents].count("sandbox-faq.csv") == 1  # replaced, not added
        login = httpx.post(f"{url}/v1/auth/login", json=info["login"], timeout=10)
        assert login.status_code == 200, login.text
        count = len(httpx.get(f"{url}/v1/conversations", headers=auth, timeout=5).json()["items"])
        assert count >= 1  # the first run's conversation is still there
        _buyer_writes(info, "После перезапуска")  # and the channel still receives
        _eventually_conversations(url, auth, count + 1)
        _eventually_topic(info, "После перезапуска")  # and the group still gets it
    finally:
        _stop(proc)
    return info


def _eventually_topic(info: dict[str, Any], text: str) -> None:
    """A topic of the sandbox group has the bot's post of `text` (the runner at work)."""
    telegram = info["telegram"]
    control = f"{telegram['emulator_url']}/_emulator"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = httpx.get(f"{control}/chats/{telegram['group_chat_id']}/messages", timeout=5)
        if any((m.get("text") or "").endswith(text) for m in found.json()["messages"]):
            return
        time.sleep(0.2)
    raise AssertionError(f"no post of {text!r} in the sandbox group")


def _buyer_writes(info: dict[str, Any], text: str) -> None:
    avito = info["avito"]
    httpx.post(f"{avito['emulator_url']}/_emulator/accounts/{avito['user_id']}/incoming",
               json={"text": text}, timeout=5).raise_for_status()


def _telegram_buyer_writes(url: str, auth: dict[str, str], channel: dict[str, Any],
                           text: str) -> None:
    """The sandbox buyer writes to the customer-channel bot: a conversation of that channel."""
    httpx.post(f"{channel['emulator_url']}/_emulator/messages", timeout=5, json={
        "from_user_id": channel["buyer_user_id"], "bot_id": channel["bot_id"],
        "text": text}).raise_for_status()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        items = httpx.get(f"{url}/v1/conversations", headers=auth, timeout=5,
                          params={"channel": channel["channel_id"]}).json()["items"]
        if items and items[0]["channel"] == "telegram" and items[0]["last_message_preview"] == text:
            return
        time.sleep(0.2)
    raise AssertionError("no conversation on the sandbox Telegram channel")


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
