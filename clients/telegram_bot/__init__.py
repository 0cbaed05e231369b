"""Tenant Telegram bots on the public API (aiogram 3 + switchboard_sdk): the single window
(every conversation a forum topic of the tenant's group) and the way back (replies typed in
topics, the card's buttons, /start linking, /link of the group; webhook or polling updates).
Imports nothing of the platform but the public SDK; see README.md."""

from __future__ import annotations

from clients.telegram_bot.config import BotConfig, Pacing, Retries, RunnerSettings, Window
from clients.telegram_bot.errors import MalformedUpdate, TransientUpdateError, UnknownBot
from clients.telegram_bot.runner import BotStatus, Runner
from clients.telegram_bot.sending.queue import Rejected, SendQueue, Unavailable
from clients.telegram_bot.store import Store

__all__ = ["BotConfig", "BotStatus", "MalformedUpdate", "Pacing", "Rejected", "Retries", "Runner",
           "RunnerSettings", "SendQueue", "Store", "TransientUpdateError", "Unavailable",
           "UnknownBot", "Window"]
