"""What every send shares: the chat, topic and reply it names, its keyboard, the flood limits,
and posting the message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from switchboard.emulators.telegram import access, markup
from switchboard.emulators.telegram.methods.call import Call
from switchboard.emulators.telegram.model import Chat
from switchboard.emulators.telegram.params import Params


@dataclass
class Target:
    chat: Chat
    thread_id: int | None
    reply_to_id: int | None
    keyboard: dict[str, Any] | None


def target(call: Call) -> Target:
    """Where the send goes; 400/403 when the bot may not send there."""
    p = call.params
    chat = access.chat_to_write(call.world, call.bot, p.chat_id())
    thread_id = access.thread(chat, p.integer("message_thread_id"))
    reply_id, allow_without = _reply(p)
    reply_to_id = access.reply_to(chat, reply_id, allow_without)
    keyboard = markup.parse(p.structure("reply_markup", "reply keyboard markup"))
    return Target(chat, thread_id, reply_to_id, keyboard)


def _reply(p: Params) -> tuple[int | None, bool]:
    parameters = p.structure("reply_parameters", "reply parameters")
    if isinstance(parameters, dict):
        message_id = parameters.get("message_id")
        return (message_id if isinstance(message_id, int) else None,
                bool(parameters.get("allow_sending_without_reply")))
    return p.integer("reply_to_message_id"), p.flag("allow_sending_without_reply")


def post(call: Call, method: str, where: Target, content: dict[str, Any]) -> dict[str, Any]:
    """Take the send from the flood limits, post it, record it; the Message answered."""
    if where.keyboard is not None:
        content["reply_markup"] = where.keyboard
    call.take_send(where.chat)
    message = call.world.post(where.chat, call.bot.id, content, thread_id=where.thread_id,
                              reply_to_id=where.reply_to_id)
    return call.record(method, where.chat, message)
