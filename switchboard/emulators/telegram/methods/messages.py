"""sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage, answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from switchboard.emulators.telegram import access, formatting, markup
from switchboard.emulators.telegram.methods import sending
from switchboard.emulators.telegram.methods.call import Call, Handler
from switchboard.emulators.telegram.model import (
    PRIVATE,
    Chat,
    DeletedRecord,
    Message,
    bad_request,
)

NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
DELETE_WINDOW_S = 48 * 3600
CALLBACK_TEXT_LIMIT = 200


def _text_content(call: Call) -> dict[str, Any]:
    p = call.params
    text, entities = formatting.message_text(p.string("text"), p.string("parse_mode"))
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    preview = p.structure("link_preview_options", "link preview options")
    if isinstance(preview, dict) and preview:
        content["link_preview_options"] = preview
    elif p.flag("disable_web_page_preview"):
        content["link_preview_options"] = {"is_disabled": True}
    return content


async def send_message(call: Call) -> dict[str, Any]:
    content = _text_content(call)
    return sending.post(call, "sendMessage", sending.target(call), content)


def _own_message(call: Call) -> tuple[Chat, Message]:
    p = call.params
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # no inline mode in the emulator
    chat = access.chat_to_write(call.world, call.bot, p.chat_id())
    message = access.message(chat, p.integer("message_id"), "message to edit not found")
    if message.from_id != call.bot.id:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(call: Call, method: str, chat: Chat, message: Message,
                changes: dict[str, Any]) -> dict[str, Any]:
    """Set the changed fields (a None value removes one); 400 when nothing changes."""
    current = {key: message.content.get(key) for key in changes}
    if current == changes:
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            message.content.pop(key, None)
        else:
            message.content[key] = value
    message.edit_date = call.emulator.clock.date()
    message.edits.append({"method": method, "date": message.edit_date,
                          **{k: v for k, v in changes.items() if v is not None}})
    call.world.dirty = True
    return call.emulator.render(chat, message)


async def edit_message_text(call: Call) -> dict[str, Any]:
    content = _text_content(call)
    chat, message = _own_message(call)
    if "text" not in message.content:
        raise bad_request("there is no text in the message to edit")
    keyboard = markup.parse(call.params.structure("reply_markup", "reply keyboard markup"))
    changes = {"text": content["text"], "entities": content.get("entities"),
               "reply_markup": keyboard}
    return _apply_edit(call, "editMessageText", chat, message, changes)


async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    chat, message = _own_message(call)
    keyboard = markup.parse(call.params.structure("reply_markup", "reply keyboard markup"))
    return _apply_edit(call, "editMessageReplyMarkup", chat, message,
                       {"reply_markup": keyboard})


def _may_delete(call: Call, chat: Chat, message: Message) -> bool:
    if "forum_topic_created" in message.content:
        return False  # a topic goes with deleteForumTopic, not by its first message
    recent = call.emulator.clock.date() - message.date < DELETE_WINDOW_S
    if message.from_id == call.bot.id or chat.type == PRIVATE:
        return recent
    member = chat.member(call.bot.id)
    return member is not None and member.can("can_delete_messages")


async def delete_message(call: Call) -> bool:
    p = call.params
    chat = access.chat_to_write(call.world, call.bot, p.chat_id())
    message = access.message(chat, p.integer("message_id"), "message to delete not found")
    if not _may_delete(call, chat, message):
        raise bad_request("message can't be deleted")
    call.bot.deleted.append(DeletedRecord(chat.id, message.message_id,
                                          call.emulator.clock.date(),
                                          call.emulator.render(chat, message)))
    message.deleted = True
    call.world.dirty = True
    return True


async def answer_callback_query(call: Call) -> bool:
    p = call.params
    callback = call.bot.callbacks.get(p.string("callback_query_id") or "")
    if callback is None or callback.answer is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.string("text")
    if text is not None and len(text) > CALLBACK_TEXT_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    callback.answer = {"text": text, "show_alert": p.flag("show_alert"), "url": p.string("url"),
                       "cache_time": p.integer("cache_time") or 0,
                       "date": call.emulator.clock.date()}
    call.world.dirty = True
    return True


METHODS: dict[str, Handler] = {
    "sendmessage": send_message,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
}
