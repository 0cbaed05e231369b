"""The guided dialog that connects an Avito account (aiogram FSM, its state in the runner's
store: a restart mid-dialog resumes it): name -> client_id -> client_secret. The message with
the secret is deleted at once, whatever happens next; the credentials are checked by the
platform (`connect_avito_channel` asks Avito), and a refusal is told in the API's words with
what to do. The other way, without a secret: Avito's consent page
(`start_avito_authorization`). `/cancel` leaves any dialog."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from switchboard_sdk import SwitchboardError

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.console import phrases as say
from clients.telegram_bot.console.accounts import AccountAct, AccountAction, show_account
from clients.telegram_bot.errors import PLATFORM_TRANSIENT
from clients.telegram_bot.people import may_administer
from clients.telegram_bot.sending.queue import Rejected

log = logging.getLogger("clients.telegram_bot")
router = Router(name="console connect")
router.message.filter(F.chat.type == ChatType.PRIVATE)
_NOT_A_COMMAND = F.text & ~F.text.startswith("/")
_MAX_NAME = 100


class ConnectAvito(StatesGroup):
    name = State()
    client_id = State()
    client_secret = State()


class OAuth(CallbackData, prefix="oa"):
    """Connect through Avito's consent page instead (the name given already is in the dialog)."""


@router.message(Command("cancel"))
async def cancel(message: Message, state: FSMContext, rt: BotRuntime) -> None:
    left = await state.get_state() is not None
    await state.clear()
    await rt.say(message.chat.id, say.CANCELLED if left else say.NOTHING_TO_CANCEL)


@router.callback_query(AccountAction.filter(F.act == AccountAct.CONNECT))
async def connect_pressed(query: CallbackQuery, state: FSMContext, rt: BotRuntime) -> None:
    link = await rt.people.who(query.from_user.id)
    if not may_administer(link):
        await rt.answer(query.id, phrases.alert_text(say.ONLY_ADMINS if link is not None
                                                     else phrases.NOT_LINKED_ALERT), alert=True)
        return
    await state.clear()
    await state.set_state(ConnectAvito.name)
    await rt.answer(query.id, "Подключаем аккаунт Авито")
    await rt.say(query.from_user.id, say.ASK_NAME)


@router.message(ConnectAvito.name, _NOT_A_COMMAND)
async def got_name(message: Message, state: FSMContext, rt: BotRuntime) -> None:
    assert message.text is not None
    await state.update_data(name=message.text.strip()[:_MAX_NAME])
    await state.set_state(ConnectAvito.client_id)
    await rt.say(message.chat.id, say.ASK_CLIENT_ID, keyboard=((
        ("🔗 Подключить через Авито", OAuth().pack()),),))


@router.message(ConnectAvito.client_id, _NOT_A_COMMAND)
async def got_client_id(message: Message, state: FSMContext, rt: BotRuntime) -> None:
    assert message.text is not None
    await state.update_data(client_id=message.text.strip())
    await state.set_state(ConnectAvito.client_secret)
    await rt.say(message.chat.id, say.ASK_CLIENT_KEY)


@router.message(ConnectAvito.client_secret)
async def got_secret(message: Message, state: FSMContext, rt: BotRuntime) -> None:
    """Whatever it holds, the message goes first: a secret never stays in the chat."""
    await _delete(rt, message)
    if not message.text or message.text.startswith("/"):
        await rt.say(message.chat.id, say.TEXT_PLEASE)
        return
    assert message.from_user is not None
    if not may_administer(await rt.people.who(message.from_user.id)):
        await state.clear()
        await rt.say(message.chat.id, say.ONLY_ADMINS)
        return
    data = await state.get_data()
    await rt.say(message.chat.id, f"{say.KEY_MESSAGE_DELETED} {say.CHECKING}")
    try:
        channel = await rt.sb.connect_avito_channel(data.get("name", ""), data.get("client_id", ""),
                                                    message.text.strip(),
                                                    sandbox=rt.config.connect_sandbox)
    except PLATFORM_TRANSIENT:
        await rt.say(message.chat.id, say.TRY_LATER)
        return
    except SwitchboardError as refused:  # the API's words, and what to do
        await rt.say(message.chat.id, say.connect_refused(refused))
        return
    await state.clear()
    log.info("telegram: avito account connected", extra={"bot_id": rt.config.bot_id})
    await rt.say(message.chat.id, say.connected(channel))
    await show_account(rt, message.chat.id, channel)


@router.message(StateFilter(ConnectAvito.name, ConnectAvito.client_id), ~_NOT_A_COMMAND,
                ~F.text.startswith("/"))
async def not_text(message: Message, rt: BotRuntime) -> None:
    await rt.say(message.chat.id, say.TEXT_PLEASE)


@router.callback_query(OAuth.filter())
async def oauth_pressed(query: CallbackQuery, state: FSMContext, rt: BotRuntime) -> None:
    link = await rt.people.who(query.from_user.id)
    name = (await state.get_data()).get("name")
    if not may_administer(link) or not name:
        await rt.answer(query.id, phrases.alert_text(say.ONLY_ADMINS if name
                                                     else phrases.STALE_BUTTON), alert=True)
        return
    started = await rt.sb.start_avito_authorization(
        name, sandbox=rt.config.connect_sandbox)
    await state.clear()
    await rt.answer(query.id, "Ссылка ниже")
    await rt.say(query.from_user.id, say.authorize(started.authorization_url))


async def _delete(rt: BotRuntime, message: Message) -> None:
    try:
        await rt.control(lambda: rt.bot.delete_message(message.chat.id, message.message_id))
    except Rejected as rejected:  # gone already (a redelivered update)
        log.info("telegram: the secret's message was not deleted: %s", rejected.description)
