"""Getting updates: setWebhook, deleteWebhook, getWebhookInfo, and getUpdates (long polling,
refused with 409 while a webhook is set)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from switchboard.emulators.telegram.methods.call import Call, Described, Handler
from switchboard.emulators.telegram.model import TelegramError, Webhook, bad_request
from switchboard.emulators.telegram.updates import MAX_LIMIT, WEBHOOK_CONFLICT

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TELEGRAM_PORTS = (80, 88, 443, 8443)


def _check_url(url: str, strict: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (strict and parts.scheme != "https"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if not parts.hostname:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise bad_request("bad webhook: Invalid port specified") from None
    if strict and port not in TELEGRAM_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


def _allowed_updates(call: Call) -> None:
    """Given, it replaces what the bot takes (an empty list: the default); absent, it stays."""
    allowed = call.params.structure("allowed_updates", "allowed updates")
    if allowed is None:
        return
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed updates JSON object")
    call.bot.allowed_updates = list(allowed) or None
    call.world.dirty = True


async def _remove(call: Call) -> Described:
    bot = call.bot
    if call.params.flag("drop_pending_updates"):
        call.emulator.updates.drop(bot)
    if bot.webhook is None:
        return Described(True, "Webhook is already deleted")
    bot.webhook = None
    await call.emulator.webhooks.stop(bot.id)
    call.emulator.updates.wake(bot.id)
    call.world.dirty = True
    return Described(True, "Webhook was deleted")


async def set_webhook(call: Call) -> Described:
    p, bot = call.params, call.bot
    url = p.string("url") or ""
    if not url:
        return await _remove(call)
    _check_url(url, call.emulator.settings.strict_webhook_urls)
    secret = p.string("secret_token") or None
    if secret is not None and not SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    _allowed_updates(call)
    if p.flag("drop_pending_updates"):
        call.emulator.updates.drop(bot)
    max_connections = min(max(p.integer("max_connections") or 40, 1), 100)
    same = bot.webhook is not None and bot.webhook.url == url
    bot.webhook = Webhook(url, secret, max_connections, p.string("ip_address") or None)
    call.emulator.webhooks.start(bot)
    call.emulator.updates.wake(bot.id)  # a getUpdates still waiting now answers 409
    call.world.dirty = True
    return Described(True, "Webhook is already set" if same else "Webhook was set")


async def delete_webhook(call: Call) -> Described:
    return await _remove(call)


async def get_webhook_info(call: Call) -> dict[str, Any]:
    bot = call.bot
    call.emulator.updates.purge(bot)
    info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                            "pending_update_count": len(bot.pending)}
    hook = bot.webhook
    if hook is None:
        return info
    info.update(url=hook.url, max_connections=hook.max_connections)
    for name in ("ip_address", "last_error_date", "last_error_message"):
        if (value := getattr(hook, name)) is not None:
            info[name] = value
    if bot.allowed_updates:
        info["allowed_updates"] = bot.allowed_updates
    return info


async def get_updates(call: Call) -> list[dict[str, Any]]:
    p = call.params
    if call.bot.webhook is not None:
        raise TelegramError(409, WEBHOOK_CONFLICT)
    _allowed_updates(call)
    limit = p.integer("limit") or MAX_LIMIT
    timeout = min(max(p.integer("timeout") or 0, 0), call.emulator.settings.max_poll_timeout_s)
    return await call.emulator.updates.poll(call.bot, p.integer("offset") or 0, limit, timeout,
                                            call.disconnected)


METHODS: dict[str, Handler] = {
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "getupdates": get_updates,
}
