"""Tenant Telegram bots on the public API (aiogram 3 + switchboard_sdk): the single window
(every conversation a forum topic of the tenant's group). Imports nothing of the platform
but the public SDK; see README.md."""

from __future__ import annotations

from clients.telegram_bot.config import BotConfig, Pacing, Retries, RunnerSettings, Window
from clients.telegram_bot.runner import BotStatus, Runner
from clients.telegram_bot.sending import Rejected, SendQueue, Unavailable
from clients.telegram_bot.store import Store

__all__ = ["BotConfig", "BotStatus", "Pacing", "Rejected", "Retries", "Runner", "RunnerSettings",
           "SendQueue", "Store", "Unavailable", "Window"]
