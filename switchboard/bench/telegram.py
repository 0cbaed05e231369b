"""The Telegram side of the bench: a tenant's bot and forum group on the Telegram emulator,
plugged in through the public API as a seller does it (the dev sandbox's code), the runner's
pacing and the emulator's flood limits set to one profile, and what the emulator recorded the
bot posting in the group."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from clients.telegram_bot import Pacing
from switchboard.bench.stack import BenchStack, BenchTenant
from switchboard.devstack.telegram_sandbox import SandboxIds, TelegramSandbox, sandbox_ids
from switchboard.telegram_bot.runtime import TelegramBotRuntime

STAMP = re.compile(r"t=(\d+)")
# What the emulator counts against the flood limits: sends (edits and topics are not).
SEND_METHODS = ("sendMessage", "sendPhoto", "sendVoice", "sendDocument", "sendVideo")


@dataclass
class TelegramWindow:
    """A tenant's bot (the emulator's id) posting into its forum group."""

    emulator_url: str
    bot_telegram_id: int
    group_id: int
    last_seq: int = 0  # records read so far (`posts_since` continues after them)
    records: list[dict[str, Any]] = field(default_factory=list)

    async def posts_since(self, http: httpx.AsyncClient) -> list[dict[str, Any]]:
        """The bot's new records in the group (sends, topics and edits), oldest first."""
        resp = await http.get(f"{self.emulator_url}/_emulator/bots/{self.bot_telegram_id}/sent",
                              params={"chat_id": self.group_id, "after_seq": self.last_seq})
        new: list[dict[str, Any]] = resp.raise_for_status().json()["sent"]
        if new:
            self.last_seq = new[-1]["seq"]
            self.records += new
        return new

    async def flood_refusals(self, http: httpx.AsyncClient) -> int:
        resp = await http.get(f"{self.emulator_url}/_emulator/bots/{self.bot_telegram_id}")
        return int(resp.raise_for_status().json()["flood_refusals"])


def sends(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["method"] in SEND_METHODS]


def stamp_of(record: dict[str, Any]) -> int | None:
    """The loadgen's `t=<ns>` in a posted message (cards and topics have none)."""
    message = record["message"]
    found = STAMP.search(message.get("text") or message.get("caption") or "")
    return int(found.group(1)) if found else None


def runner(stack: BenchStack) -> TelegramBotRuntime:
    assert stack.platform is not None
    runtime = stack.platform.runtimes.get("telegram-bot")
    if not isinstance(runtime, TelegramBotRuntime):
        raise RuntimeError("the bench's platform runs no telegram-bot component")
    return runtime


async def set_limits(stack: BenchStack, limits: dict[str, Any]) -> None:
    assert stack.telegram is not None
    async with httpx.AsyncClient(timeout=10) as http:
        (await http.put(f"{stack.telegram.url}/_emulator/limits", json=limits)).raise_for_status()


async def open_window(stack: BenchStack, tenant: BenchTenant, pacing: Pacing) -> TelegramWindow:
    """The tenant's bot registered and its group linked through the API, the runner following
    its live events with `pacing` (a runner's pacing is read when it starts a bot, so each
    bench bot gets its own profile; the production default is Telegram's)."""
    assert stack.telegram is not None
    rt = runner(stack)
    rt.runner.settings = replace(rt.runner.settings, pacing=pacing)
    ids = sandbox_ids(uuid.uuid4().hex)  # fresh ids per bench bot
    async with httpx.AsyncClient(timeout=30) as http:
        await _own_names(http, stack.telegram.url, ids)
        sandbox = TelegramSandbox(http, stack.gateway_url, stack.telegram.url, tenant.api_key, ids)
        made = await sandbox.ensure({"email": tenant.email, "password": tenant.password})
    await rt.following(made["bot_id"])
    return TelegramWindow(stack.telegram.url, ids.bot_id, ids.group_id)


async def _own_names(http: httpx.AsyncClient, emulator_url: str, ids: SandboxIds) -> None:
    """The bot and its owner made first under usernames of their own (the sandbox's are one
    per emulator); the sandbox then finds them there and makes the group."""
    suffix = str(ids.bot_id)[-6:]
    for path, body in (("/users", {"id": ids.owner_id, "first_name": "Bench",
                                   "username": f"bench_owner_{suffix}"}),
                       ("/bots", {"id": ids.bot_id, "secret": ids.bot_secret,
                                  "username": f"bench_{suffix}_bot"})):
        resp = await http.post(f"{emulator_url}/_emulator{path}", json=body)
        resp.raise_for_status()


async def wait_for(window: TelegramWindow, done: Any, *, stall_s: float,
                   poll_s: float = 0.5) -> bool:
    """Read the group's records until `done(window.records)` is true (True), or nothing new
    came for `stall_s` (False: what is missing is counted by the caller)."""
    loop = asyncio.get_running_loop()
    last_new = loop.time()
    async with httpx.AsyncClient(timeout=10) as http:
        while True:
            if await window.posts_since(http):
                last_new = loop.time()
            if done(window.records):
                return True
            if loop.time() - last_new > stall_s:
                return False
            await asyncio.sleep(poll_s)
