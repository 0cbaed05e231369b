"""Webhook deliveries as Telegram makes them: each update POSTed to the bot's URL as JSON, with
`X-Telegram-Bot-Api-Secret-Token` when a secret was set; one update in flight per bot, in
order. A non-2xx answer, a timeout or a refused connection keeps the update and retries it with
capped exponential backoff and jitter (getWebhookInfo shows the last error) until it expires.
An answer `{"method": ..., ...}` is a Bot API call made on the bot's behalf, as Telegram does."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx

from services.kernel import backoff
from switchboard.emulators.telegram.faults import Faults
from switchboard.emulators.telegram.model import Bot, Clock, Update, Webhook
from switchboard.emulators.telegram.settings import TelegramEmulatorSettings
from switchboard.emulators.telegram.updates import Updates

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
ReplyCall = Callable[[Bot, dict[str, Any]], Awaitable[None]]


class WebhookSender:
    """Owns the HTTP client and one worker per bot with a webhook; enter it for the app's
    lifetime."""

    def __init__(self, settings: TelegramEmulatorSettings, clock: Clock, updates: Updates,
                 faults: Faults) -> None:
        self._settings = settings
        self._clock = clock
        self._updates = updates
        self._faults = faults
        self._client: httpx.AsyncClient | None = None
        self._workers: dict[int, asyncio.Task[None]] = {}
        self.logs: dict[int, deque[dict[str, Any]]] = {}
        self.reply_call: ReplyCall | None = None  # set by the Bot API layer

    async def __aenter__(self) -> WebhookSender:
        self._client = httpx.AsyncClient(timeout=self._settings.webhook_timeout_s,
                                         follow_redirects=False)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        for bot_id in list(self._workers):
            await self.stop(bot_id)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def start(self, bot: Bot) -> None:
        """(Re)start the bot's worker: a new URL is tried at once, not after a backoff."""
        if self._client is None:
            return  # outside the app's lifespan (a restore before it starts): started later
        old = self._workers.pop(bot.id, None)
        if old is not None:
            old.cancel()
        if bot.webhook is not None:
            task = asyncio.create_task(self._run(bot), name=f"telegram-webhook-{bot.id}")
            self._workers[bot.id] = task
            task.add_done_callback(lambda t: self._forget(bot.id, t))

    def _forget(self, bot_id: int, task: asyncio.Task[None]) -> None:
        if self._workers.get(bot_id) is task:
            del self._workers[bot_id]

    async def stop(self, bot_id: int) -> None:
        task = self._workers.pop(bot_id, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, bot: Bot) -> None:
        failures = 0
        while (hook := bot.webhook) is not None:
            self._updates.purge(bot)
            if not bot.pending:
                await self._updates.changed(bot.id).wait()
                continue
            update = bot.pending[0]
            error, reply = await self._post(bot.id, hook, update)
            if error is None:
                failures = 0
                self._updates.delivered(bot, update)
                if reply is not None and self.reply_call is not None:
                    await self.reply_call(bot, reply)
                continue
            hook.last_error_date, hook.last_error_message = self._clock.date(), error
            failures += 1
            await asyncio.sleep(backoff.equal_jitter(failures, self._settings.webhook_retry_base_s,
                                                     self._settings.webhook_retry_cap_s))

    async def _post(self, bot_id: int, hook: Webhook,
                    update: Update) -> tuple[str | None, dict[str, Any] | None]:
        """One attempt: the error Telegram would report (None on success) and a method call
        the receiver answered with."""
        assert self._client is not None
        entry: dict[str, Any] = {"update_id": update.update_id, "url": hook.url,
                                 "at": self._clock.now(), "status_code": None, "error": None}
        self.logs.setdefault(bot_id, deque(maxlen=self._settings.delivery_log_size)).append(entry)
        if self._faults.take_webhook_failure():
            entry["error"] = "Connection refused"
            return entry["error"], None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers[SECRET_HEADER] = hook.secret_token
        body = json.dumps(update.body, ensure_ascii=False).encode()
        try:
            response = await self._client.post(hook.url, content=body, headers=headers)
        except httpx.TimeoutException:
            entry["error"] = "Read timeout expired"
        except httpx.ConnectError:
            entry["error"] = "Connection refused"
        except httpx.HTTPError as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
        else:
            entry["status_code"] = response.status_code
            if not response.is_success:
                entry["error"] = (f"Wrong response from the webhook: {response.status_code} "
                                  f"{response.reason_phrase}")
            else:
                return None, _method_call(response)
        return entry["error"], None


def _method_call(response: httpx.Response) -> dict[str, Any] | None:
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and isinstance(body.get("method"), str) else None
