"""Linking the managers' group, in the group itself.

`/link`: the group must be a supergroup with topics on, and the bot an administrator that may
manage topics (asked of Telegram: getChat, getChatMember); otherwise the answer says exactly
what to change. Then a confirmation button: only a linked, active owner or admin pressing it
links the group (`set_telegram_bot_group` through the SDK) and the runner starts the window
there; anyone else gets an alert saying why not. `/unlink` (owner or admin, in the linked
group) clears it. `/help` answers in groups too.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Chat, ChatMemberAdministrator, Message
from switchboard_sdk import SwitchboardError

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.errors import is_refusal
from clients.telegram_bot.group.buttons import GroupAct, GroupAction, confirm_link_keyboard
from clients.telegram_bot.people import may_administer

log = logging.getLogger("clients.telegram_bot")
router = Router(name="group")
router.message.filter(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))


async def unfit(rt: BotRuntime, chat: Chat) -> str | None:
    """What must change before the bot can work in this group (None: nothing)."""
    if chat.type != ChatType.SUPERGROUP:
        return phrases.NOT_A_SUPERGROUP
    info = await rt.control(lambda: rt.bot.get_chat(chat.id))
    if not info.is_forum:
        return phrases.NO_TOPICS
    me = await rt.bot.me()
    member = await rt.control(lambda: rt.bot.get_chat_member(chat.id, me.id))
    if member.status != ChatMemberStatus.ADMINISTRATOR:
        return phrases.NOT_ADMIN
    if not (isinstance(member, ChatMemberAdministrator) and member.can_manage_topics):
        return phrases.NO_TOPIC_RIGHT
    return None


@router.message(Command("link"))
async def link_command(message: Message, rt: BotRuntime) -> None:
    chat = message.chat
    thread = message.message_thread_id if message.is_topic_message else None
    if rt.config.group_chat_id == chat.id:
        await rt.say(chat.id, phrases.ALREADY_LINKED, reply_to=message.message_id, thread_id=thread)
        return
    problem = await unfit(rt, chat)
    if problem is not None:
        await rt.say(chat.id, problem, reply_to=message.message_id, thread_id=thread)
        return
    await rt.say(chat.id, phrases.CONFIRM_LINK, reply_to=message.message_id, thread_id=thread,
                 keyboard=confirm_link_keyboard())


@router.callback_query(GroupAction.filter(F.act == GroupAct.LINK))
async def confirm_link(query: CallbackQuery, rt: BotRuntime) -> None:
    chat = query.message.chat if query.message is not None else None
    if chat is None or chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        await rt.answer(query.id, phrases.STALE_BUTTON, alert=True)
        return
    link = await rt.people.who(query.from_user.id)
    if not may_administer(link):
        why = (phrases.NOT_LINKED_ALERT if link is None else phrases.INACTIVE_ALERT
               if not link.user.active else phrases.only_admins(link))
        await rt.answer(query.id, phrases.alert_text(why), alert=True)
        return
    assert link is not None and query.message is not None
    problem = await unfit(rt, chat)
    if problem is not None:
        await rt.answer(query.id, phrases.alert_text(problem.replace("/link ещё раз", "/link")),
                        alert=True)
        return
    try:
        await rt.sb.set_telegram_bot_group(rt.config.bot_id, chat.id, chat.title or "")
    except SwitchboardError as error:
        if not is_refusal(error):
            raise
        await rt.answer(query.id, phrases.alert_text(f"Не подключено: {error.message}"), alert=True)
        return
    log.info("telegram: group linked", extra={"bot_id": rt.config.bot_id, "chat_id": chat.id})
    await rt.edit(chat.id, query.message.message_id, phrases.group_linked(link, chat.title or ""))
    await rt.answer(query.id, phrases.GROUP_LINKED_ALERT)
    await rt.group_changed(chat.id)


@router.message(Command("unlink"))
async def unlink_command(message: Message, rt: BotRuntime) -> None:
    chat, person = message.chat, message.from_user
    thread = message.message_thread_id if message.is_topic_message else None
    assert person is not None
    if rt.config.group_chat_id != chat.id:
        await rt.say(chat.id, phrases.NOT_LINKED_GROUP, reply_to=message.message_id,
                     thread_id=thread)
        return
    link = await rt.people.who(person.id)
    if not may_administer(link):
        why = (phrases.how_to_link(await rt.username()) if link is None else phrases.INACTIVE
               if not link.user.active else phrases.only_admins(link))
        await rt.say(chat.id, why, reply_to=message.message_id, thread_id=thread)
        return
    try:
        await rt.sb.set_telegram_bot_group(rt.config.bot_id, None)
    except SwitchboardError as error:
        if not is_refusal(error):
            raise
        await rt.say(chat.id, phrases.refused(error), reply_to=message.message_id, thread_id=thread)
        return
    log.info("telegram: group unlinked", extra={"bot_id": rt.config.bot_id, "chat_id": chat.id})
    await rt.say(chat.id, phrases.GROUP_UNLINKED, reply_to=message.message_id, thread_id=thread)
    await rt.group_changed(None)


@router.message(Command("help"))
async def help_command(message: Message, rt: BotRuntime) -> None:
    assert message.from_user is not None
    link = await rt.people.who(message.from_user.id)
    thread = message.message_thread_id if message.is_topic_message else None
    await rt.say(message.chat.id, phrases.help_text(link, await rt.username()),
                 reply_to=message.message_id, thread_id=thread)
