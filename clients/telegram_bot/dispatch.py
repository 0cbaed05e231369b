"""One aiogram Dispatcher for every bot: an update is fed with its bot and its runtime (`rt`,
injected into the handlers), and what goes wrong is sorted for whoever delivered it.

- Telegram, the platform or the store unreachable, failing or throttling -> `TransientUpdateError`
  (delivered again later; the handlers are idempotent).
- Telegram refusing a call for good (a blocked bot, a deleted message, no rights) -> logged,
  and the update counts as handled: no redelivery changes the answer.
- The platform refusing a call no handler turned into an answer (a 4xx: the bot's key lacks
  a scope, was revoked) -> the person is told what happened and what to do; handled.
- Anything else (a malformed update, a bug) -> raised as it is: the caller dead-letters it.
"""

from __future__ import annotations

import functools
import json
import logging

from aiogram import Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.types import Update
from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from switchboard_sdk import SwitchboardError

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.console import accounts, connect, private, reports, schedule_dialog
from clients.telegram_bot.console.fsm import StoreStorage
from clients.telegram_bot.errors import PLATFORM_TRANSIENT, MalformedUpdate, TransientUpdateError
from clients.telegram_bot.group import card_actions, link, replies, stats
from clients.telegram_bot.sending.queue import TRANSIENT, Rejected, Unavailable, classify

log = logging.getLogger("clients.telegram_bot")


# The guided dialogs' state, in the runner's store (the runner binds each bot to its tenant).
STORAGE = StoreStorage()


@functools.cache
def build_dispatcher() -> Dispatcher:
    """The console's dialogs first (/cancel, the steps), then its commands, then the private
    chat (/start, /help), group commands (/stats before replies: it works in topics too),
    replies in topics and the buttons. One per process
    (a router is attached to one dispatcher only); the handlers keep no state of their own:
    the bot comes in with `rt`, a dialog's step from the FSM storage."""
    dispatcher = Dispatcher(storage=STORAGE, name="telegram-bots")
    dispatcher.include_routers(connect.router, schedule_dialog.router, accounts.router,
                               reports.router, private.router, link.router, stats.router,
                               replies.router, card_actions.router)
    return dispatcher


def parse(rt: BotRuntime, body: bytes) -> Update:
    """The raw Update Telegram posted (JSON bytes)."""
    try:
        return Update.model_validate(json.loads(body), context={"bot": rt.bot})
    except (ValueError, ValidationError) as exc:
        raise MalformedUpdate(f"not a Telegram update: {str(exc)[:200]}") from None


async def feed(dispatcher: Dispatcher, rt: BotRuntime, update: Update) -> None:
    """Handle one update of the bot; see the module's doc for what it raises."""
    where = {"bot_id": rt.config.bot_id, "update_id": update.update_id}
    try:
        await dispatcher.feed_update(rt.bot, update, rt=rt)
    except TransientUpdateError:
        raise
    except (Unavailable, TelegramRetryAfter, *TRANSIENT) as exc:
        raise TransientUpdateError(f"Telegram: {exc}") from exc
    except PLATFORM_TRANSIENT as exc:
        raise TransientUpdateError(f"Switchboard: {exc}") from exc
    except SwitchboardError as refused:
        log.warning("the platform refused a call while handling an update: %s", refused.message,
                    extra=where)
        await _tell(rt, update, refused)
    except (OperationalError, InterfaceError) as exc:  # the runner's own database
        raise TransientUpdateError(f"the store: {exc}") from exc
    except Rejected as rejected:
        log.warning("telegram refused a call while handling an update: %s",
                    rejected.description, extra=where)
    except TelegramAPIError as exc:  # a call made outside the queue (the filters' getMe)
        log.warning("telegram refused a call while handling an update (%s): %s",
                    classify(exc).value, exc.message, extra=where)


async def _tell(rt: BotRuntime, update: Update, refused: SwitchboardError) -> None:
    """Say to whoever sent the update that the platform refused, and what to do."""
    try:
        if update.callback_query is not None:
            await rt.answer(update.callback_query.id, phrases.alert_text(
                f"Не получилось: {refused.message}. {phrases.what_to_do(refused)}"), alert=True)
        elif update.message is not None:
            message = update.message
            thread = message.message_thread_id if message.is_topic_message else None
            await rt.say(message.chat.id, phrases.refused(refused), reply_to=message.message_id,
                         thread_id=thread)
    except Rejected as rejected:
        log.warning("telegram refused the answer: %s", rejected.description)
    except Unavailable as exc:
        raise TransientUpdateError(f"Telegram: {exc}") from exc
