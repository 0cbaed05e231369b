"""What users do, as the control plane makes them do it: write (text, photo, voice, document,
commands), press inline buttons, start or block a bot, join, leave or promote in groups, open
topics. Each returns the updates it made, per bot."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from switchboard.emulators.telegram import formatting, markup, render
from switchboard.emulators.telegram.emulator import Emulator
from switchboard.emulators.telegram.files import SAMPLE_VOICE, sample_png
from switchboard.emulators.telegram.ids import chat_instance
from switchboard.emulators.telegram.model import (
    BLOCKED,
    KICKED,
    LEFT,
    MEMBER,
    PRESENT,
    STARTED,
    TOPIC_COLORS,
    Callback,
    Chat,
    ControlError,
    Member,
    TelegramError,
    User,
)
from switchboard.emulators.telegram.schemas import (
    CallbackSpec,
    MediaSpec,
    MemberSpec,
    MessageSpec,
    PrivateSpec,
    TopicSpec,
)
from switchboard.emulators.telegram.world import member_of

Made = list[dict[str, Any]]


def _made(emulator: Emulator, bot_id: int, kind: str, payload: dict[str, Any]) -> Made:
    update = emulator.publish(emulator.world.bots[bot_id], kind, payload)
    return [{"bot_id": bot_id, "update": update}] if update is not None else []


def _chat_of_writer(emulator: Emulator, user: User, chat_id: int | None,
                    bot_id: int | None) -> Chat:
    world = emulator.world
    if bot_id is not None:
        bot = world.bot(bot_id)
        status = bot.private.get(user.id)
        if status == BLOCKED:
            raise ControlError(409, f"user {user.id} blocked the bot; unblock it first")
        if status is None:  # writing to a bot starts it
            bot.private[user.id] = STARTED
            world.dirty = True
        return world.private_chat(bot, user.id)
    assert chat_id is not None
    chat = world.group(chat_id)
    if not chat.has(user.id):
        raise ControlError(409, f"user {user.id} is not a member of chat {chat.id}")
    return chat


def _thread(chat: Chat, thread_id: int | None) -> int | None:
    if thread_id is None or (chat.is_forum and thread_id == 1):
        return None
    known = thread_id in chat.topics if chat.is_forum else thread_id in chat.messages
    if not known:
        raise ControlError(404, f"no topic or thread {thread_id} in chat {chat.id}")
    return thread_id


def _media(emulator: Emulator, kind: str, spec: MediaSpec, user: User) -> dict[str, Any]:
    try:
        data = base64.b64decode(spec.content_base64, validate=True) if spec.content_base64 \
            else (sample_png() if kind == "photo" else SAMPLE_VOICE)
        file = emulator.files.store(kind, data, spec.file_name or (
            "file.bin" if kind == "document" else None), spec.mime_type, user.id, spec.duration)
    except (binascii.Error, ValueError) as exc:
        raise ControlError(422, f"content_base64: {exc}") from None
    except TelegramError as exc:
        raise ControlError(422, f"{kind}: {exc.description}") from None
    return {kind: render.photo_sizes(file) if kind == "photo" else render.media(file)}


def write(emulator: Emulator, spec: MessageSpec) -> dict[str, Any]:
    """A user's message; a text starting with /command gets its bot_command entity."""
    world = emulator.world
    user = world.user(spec.from_user_id)
    chat = _chat_of_writer(emulator, user, spec.chat_id, spec.bot_id)
    thread_id = _thread(chat, spec.message_thread_id)
    reply_to = spec.reply_to_message_id
    if reply_to is not None and (reply_to not in chat.messages or chat.messages[reply_to].deleted):
        raise ControlError(404, f"no message {reply_to} to reply to in chat {chat.id}")
    content: dict[str, Any] = {}
    if spec.text is not None:
        content["text"] = spec.text
        if entities := formatting.command_entities(spec.text):
            content["entities"] = entities
    for kind in ("photo", "voice", "document"):
        if (media := getattr(spec, kind)) is not None:
            content.update(_media(emulator, kind, media, user))
            if spec.caption:
                content["caption"] = spec.caption
    message = world.post(chat, user.id, content, thread_id=thread_id, reply_to_id=reply_to)
    return {"message": emulator.render(chat, message), "updates": emulator.deliver(chat, message)}


def press(emulator: Emulator, spec: CallbackSpec) -> dict[str, Any]:
    """The user presses a button of the bot's message: a callback_query with its data."""
    world = emulator.world
    bot, user = world.bot(spec.bot_id), world.user(spec.from_user_id)
    if spec.chat_id is None:
        if bot.private.get(user.id) != STARTED:
            raise ControlError(409, f"user {user.id} has no open chat with the bot")
        chat = world.private_chat(bot, user.id)
    else:
        chat = world.group(spec.chat_id)
        if not chat.has(user.id):
            raise ControlError(409, f"user {user.id} is not a member of chat {chat.id}")
    message = chat.messages.get(spec.message_id)
    if message is None or message.deleted:
        raise ControlError(404, f"no message {spec.message_id} in chat {chat.id}")
    if message.from_id != bot.id:
        raise ControlError(409, f"message {spec.message_id} is not the bot's")
    if spec.data not in markup.callback_data(message.content.get("reply_markup")):
        raise ControlError(409, f"message {spec.message_id} has no button with that callback_data")
    callback = Callback(emulator.ids.callback_query(), user.id, chat.id, message.message_id,
                        spec.data, emulator.clock.date())
    bot.callbacks[callback.id] = callback
    world.dirty = True
    payload = {"id": callback.id, "from": render.user(user),
               "message": emulator.render(chat, message),
               "chat_instance": chat_instance(bot.id, chat.id), "data": spec.data}
    return {"callback_query_id": callback.id,
            "updates": _made(emulator, bot.id, "callback_query", payload)}


def set_private(emulator: Emulator, bot_id: int, user_id: int, spec: PrivateSpec) -> Made:
    """The user starts the bot or blocks it; blocking and unblocking tell the bot."""
    world = emulator.world
    bot, user = world.bot(bot_id), world.user(user_id)
    old = bot.private.get(user.id)
    if old == spec.status:
        return []
    bot.private[user.id] = spec.status
    world.dirty = True
    if old is None and spec.status == STARTED:
        return []
    chat = world.private_chat(bot, user.id)
    statuses = [KICKED if status == BLOCKED else MEMBER for status in (old, spec.status)]
    return _member_update(emulator, bot_id, chat, user, user, statuses, "my_chat_member")


def _member_update(emulator: Emulator, bot_id: int, chat: Chat, actor: User, subject: User,
                   members: list[str] | list[Member], kind: str) -> Made:
    old, new = (m if isinstance(m, Member) else Member(subject.id, m) for m in members)
    person = emulator.world.users.get(chat.user_id) if chat.user_id else None
    payload = {"chat": render.chat(chat, person), "from": render.user(actor),
               "date": emulator.clock.date(), "old_chat_member": render.member(old, subject),
               "new_chat_member": render.member(new, subject)}
    return _made(emulator, bot_id, kind, payload)


def set_member(emulator: Emulator, chat_id: int, spec: MemberSpec) -> Made:
    """A member's status changes: the bot concerned gets my_chat_member, administrator bots
    get chat_member (if they asked for it); joining and leaving post a service message."""
    world = emulator.world
    chat = world.group(chat_id)
    subject = world.user_or_bot(spec.user_id)
    bot = world.bots.get(subject.id)
    if bot is not None and not bot.can_join_groups and spec.status in PRESENT:
        raise ControlError(409, "this bot can't be added to groups")
    actor = world.user_or_bot(spec.by_user_id or world.creator(chat) or subject.id)
    old = chat.members.get(subject.id) or Member(subject.id, LEFT)
    new = member_of(spec)
    chat.members[subject.id] = new
    world.dirty = True
    made: Made = []
    if bot is not None:
        made += _member_update(emulator, bot.id, chat, actor, subject, [old, new], "my_chat_member")
    for other_id, member in chat.members.items():
        if other_id != subject.id and other_id in world.bots and member.can("can_manage_chat"):
            made += _member_update(emulator, other_id, chat, actor, subject, [old, new],
                                   "chat_member")
    was_in, is_in = old.status in PRESENT, new.status in PRESENT
    if was_in != is_in:
        who = render.user(subject)
        content = ({"new_chat_participant": who, "new_chat_member": who, "new_chat_members": [who]}
                   if is_in else {"left_chat_participant": who, "left_chat_member": who})
        made += emulator.deliver(chat, world.post(chat, actor.id, content))
    return made


def open_topic(emulator: Emulator, chat_id: int, spec: TopicSpec) -> dict[str, Any]:
    """A member opens a topic in a forum."""
    world = emulator.world
    chat = world.group(chat_id)
    if not chat.is_forum:
        raise ControlError(409, f"chat {chat.id} is not a forum")
    creator = world.user_or_bot(spec.by_user_id or world.creator(chat) or 0)
    if not chat.has(creator.id):
        raise ControlError(409, f"user {creator.id} is not a member of chat {chat.id}")
    color = spec.icon_color if spec.icon_color is not None else TOPIC_COLORS[0]
    if color not in TOPIC_COLORS:
        raise ControlError(422, f"icon_color must be one of {list(TOPIC_COLORS)}")
    topic, message = world.open_topic(chat, creator.id, spec.name, color)
    return {"topic": render.topic(topic), "updates": emulator.deliver(chat, message)}
