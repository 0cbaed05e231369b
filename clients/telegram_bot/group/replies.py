"""A manager's message in a conversation's topic goes to the buyer through the platform.

Text is sent as it is; a photo is downloaded from Telegram (its largest size), uploaded with
the SDK and sent with its caption. The reply is recorded before the send and linked to the
platform message after it (ledger.py), with the send's idempotency key
`tg:<chat>:<message>`: a redelivered update sends nothing twice, and the window does not post
the manager's words back into the topic. Delivery is shown later by the window (delivery.py).

Ignored: bots, service messages, the General topic, topics the window did not open, other
groups, commands. A person who is not linked (or is disabled) is told how to link, at most
once per `link_hint_every_s`.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import Message
from switchboard_sdk import InvalidInput, SwitchboardError, TelegramLink

from clients.telegram_bot import phrases
from clients.telegram_bot.bots import BotRuntime
from clients.telegram_bot.errors import is_refusal
from clients.telegram_bot.people import may_act
from clients.telegram_bot.store import Scope

log = logging.getLogger("clients.telegram_bot")
router = Router(name="topic replies")
router.message.filter(F.chat.type == ChatType.SUPERGROUP, F.is_topic_message.is_(True))

LINK_HINT = "link"


@router.message()
async def in_topic(message: Message, rt: BotRuntime) -> None:
    scope = rt.scope
    person = message.from_user
    if scope is None or message.chat.id != scope.chat_id or person is None or person.is_bot:
        return
    if message.message_thread_id is None or _is_command(message) or _is_service(message):
        return
    conversation_id = await rt.ledger.conversation_of(scope, message.message_thread_id)
    if conversation_id is None:
        return  # a topic people opened themselves: not a conversation
    link = await rt.people.who(person.id)
    if not may_act(link):
        await _hint(rt, message, link)
        return
    if not (message.text or message.photo):
        await rt.say(scope.chat_id, phrases.ONLY_TEXT_AND_PHOTOS, reply_to=message.message_id,
                     thread_id=message.message_thread_id)
        return
    await _send(rt, scope, message, conversation_id)


async def _send(rt: BotRuntime, scope: Scope, message: Message, conversation_id: str) -> None:
    assert message.message_thread_id is not None
    reply = await rt.ledger.reply_in_flight(scope, message.message_id, message.message_thread_id,
                                            conversation_id)
    if reply.message_id is not None or reply.outcome is not None:
        return  # a redelivery of a reply sent (or refused) already
    try:
        media_ids = [await _upload_photo(rt, message)] if message.photo else []
        sent = await rt.sb.send_message(
            conversation_id, (message.text or message.caption or "").strip(), media_ids=media_ids,
            idempotency_key=f"tg:{scope.chat_id}:{message.message_id}")
    except SwitchboardError as error:
        if not is_refusal(error):
            raise  # the platform is unreachable or failing: redelivered later
        await rt.ledger.reply_refused(scope, message.message_id)
        await rt.say(scope.chat_id, phrases.not_sent(error), reply_to=message.message_id,
                     thread_id=message.message_thread_id)
        return
    await rt.ledger.reply_sent(scope, message.message_id, sent.id, conversation_id)
    log.info("telegram: a manager's reply sent", extra={
        "bot_id": scope.bot_id, "conversation_id": conversation_id, "message_id": sent.id})


async def _upload_photo(rt: BotRuntime, message: Message) -> str:
    assert message.photo
    largest = max(message.photo, key=lambda size: size.width * size.height)
    file = await rt.control(lambda: rt.bot.get_file(largest.file_id))
    if not file.file_path:
        raise InvalidInput("Telegram did not give the photo's file", field="photo")
    path = file.file_path
    content = await rt.control(lambda: rt.bot.download_file(path, timeout=60))
    assert content is not None
    # Telegram keeps photos as JPEG (photos/file_N.jpg); the platform checks the content anyway.
    media = await rt.sb.upload_media(content.read(), filename=path.rsplit("/", 1)[-1] or "photo.jpg")
    return media.media_id


async def _hint(rt: BotRuntime, message: Message, link: TelegramLink | None) -> None:
    """Tell the person why nothing was sent, once in a while."""
    assert message.from_user is not None
    if not await rt.ledger.notice_due(rt.tenant_id, rt.config.bot_id, message.from_user.id,
                                      LINK_HINT, rt.settings.link_hint_every_s):
        return
    text = phrases.INACTIVE if link is not None else phrases.how_to_link(await rt.username())
    await rt.say(message.chat.id, f"Сообщение не отправлено покупателю. {text}",
                 reply_to=message.message_id, thread_id=message.message_thread_id)


def _is_command(message: Message) -> bool:
    entities = message.entities or []
    return any(e.type == "bot_command" and e.offset == 0 for e in entities)


def _is_service(message: Message) -> bool:
    """Topic created or edited, members joining or leaving, a pin: nothing a person wrote."""
    return any(getattr(message, name, None) is not None for name in (
        "forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
        "new_chat_members", "left_chat_member", "pinned_message", "new_chat_title",
        "general_forum_topic_hidden", "general_forum_topic_unhidden", "write_access_allowed"))
