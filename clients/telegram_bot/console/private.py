"""A private chat with the bot: `/start <code>` links the person's Telegram account to their
Switchboard user (the code from the web inbox or `POST /v1/telegram/link-codes`), `/start`
alone says who they are or how to link, `/help` lists what their role may do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message
from switchboard_sdk import Conflict, InvalidInput, TelegramLink

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime

router = Router(name="private chat")
router.message.filter(F.chat.type == ChatType.PRIVATE)

# A redelivered `/start <code>` whose first try linked the person (its answer was lost): the
# code is used by then, and a link this fresh is that first try's.
_JUST_LINKED = timedelta(minutes=2)


@router.message(CommandStart(deep_link=True))
async def start_with_code(message: Message, command: CommandObject, rt: BotRuntime) -> None:
    person = message.from_user
    assert person is not None and command.args is not None
    link: TelegramLink | None
    try:
        link = await rt.sb.link_telegram_user(command.args.strip(), person.id, person.username)
    except InvalidInput as refused:
        link = await _linked_just_now(rt, person.id)
        if link is None:
            await rt.say(message.chat.id, phrases.code_refused(refused.message))
            return
    except Conflict as refused:
        await rt.say(message.chat.id, phrases.link_conflict(refused.message))
        return
    rt.people.forget(person.id)
    await rt.say(message.chat.id, phrases.linked(link))


@router.message(CommandStart())
async def start(message: Message, rt: BotRuntime) -> None:
    await _help(message, rt)


@router.message(Command("help"))
async def help_command(message: Message, rt: BotRuntime) -> None:
    await _help(message, rt)


@router.message(F.text)
async def anything_else(message: Message, rt: BotRuntime) -> None:
    await _help(message, rt)


async def _help(message: Message, rt: BotRuntime) -> None:
    assert message.from_user is not None
    link = await rt.people.who(message.from_user.id)
    await rt.say(message.chat.id, phrases.help_text(link, await rt.username()))


async def _linked_just_now(rt: BotRuntime, telegram_user_id: int) -> TelegramLink | None:
    rt.people.forget(telegram_user_id)
    link = await rt.people.who(telegram_user_id)
    if link is None or link.created_at is None:
        return None
    return link if datetime.now(UTC) - link.created_at < _JUST_LINKED else None
