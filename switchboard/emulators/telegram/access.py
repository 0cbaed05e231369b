"""Which chat, topic and message a bot's call names, with the errors Telegram gives when the
bot may not reach them."""

from __future__ import annotations

from switchboard.emulators.telegram.model import (
    BLOCKED,
    KICKED,
    PRIVATE,
    Bot,
    Chat,
    Message,
    TelegramError,
    bad_request,
    forbidden,
)
from switchboard.emulators.telegram.world import World


def _group(world: World, chat_id: int | str) -> Chat | None:
    if isinstance(chat_id, str):
        name = chat_id[1:].lower()
        return next((c for c in world.groups.values() if (c.username or "").lower() == name),
                    None)
    return world.groups.get(chat_id)


def chat_to_write(world: World, bot: Bot, chat_id: int | str) -> Chat:
    """A chat the bot may send to (and edit or delete in)."""
    if isinstance(chat_id, int) and chat_id > 0:
        user = world.users.get(chat_id)
        if user is None:
            raise bad_request("chat not found")
        if user.is_bot:
            raise forbidden("bot can't send messages to bots")
        status = bot.private.get(chat_id)
        if status is None:
            raise forbidden("bot can't initiate conversation with a user")
        if status == BLOCKED:
            raise forbidden("bot was blocked by the user")
        return world.private_chat(bot, chat_id)
    chat = _group(world, chat_id)
    if chat is None:
        raise bad_request("chat not found")
    member = chat.member(bot.id)
    if member is None or not chat.has(bot.id):
        if member is not None and member.status == KICKED:
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        raise forbidden(f"bot is not a member of the {chat.type} chat")
    return chat


def chat_to_read(world: World, bot: Bot, chat_id: int | str) -> Chat:
    """A chat the bot may look at: one it is in, or a private chat the user opened."""
    if isinstance(chat_id, int) and chat_id > 0:
        if chat_id == bot.id or chat_id not in bot.private:
            raise bad_request("chat not found")
        return world.private_chat(bot, chat_id)
    chat = _group(world, chat_id)
    if chat is None or not chat.has(bot.id):
        raise bad_request("chat not found")
    return chat


def thread(chat: Chat, thread_id: int | None) -> int | None:
    """The topic (forum) or reply thread a message goes to; 400 when there is none such."""
    if thread_id is None or thread_id == 0:
        return None
    if chat.type == PRIVATE:
        raise bad_request("message thread not found")
    if chat.is_forum:
        if thread_id == 1:  # the General topic: its messages carry no thread id
            return None
        if thread_id not in chat.topics:
            raise bad_request("message thread not found")
        return thread_id
    root = chat.messages.get(thread_id)
    if root is None or root.deleted:
        raise bad_request("message thread not found")
    return thread_id


def message(chat: Chat, message_id: int | None, missing: str) -> Message:
    found = chat.messages.get(message_id) if message_id is not None else None
    if found is None or found.deleted:
        raise bad_request(missing)
    return found


def reply_to(chat: Chat, message_id: int | None, allow_without: bool) -> int | None:
    """The message replied to; a missing one is an error unless the caller allowed it."""
    if message_id is None:
        return None
    found = chat.messages.get(message_id)
    if found is None or found.deleted:
        if allow_without:
            return None
        raise bad_request("message to be replied not found")
    return message_id


def rights_error(what: str) -> TelegramError:
    return bad_request(f"not enough rights to {what}")
