"""createForumTopic and editForumTopic: topics of a supergroup with topics on, each opened by
its `forum_topic_created` message (whose id is the topic's message_thread_id)."""

from __future__ import annotations

from typing import Any

from switchboard.emulators.telegram import access, render
from switchboard.emulators.telegram.methods.call import Call, Handler
from switchboard.emulators.telegram.model import TOPIC_COLORS, Chat, Member, bad_request

NAME_LIMIT = 128


def _forum(call: Call) -> tuple[Chat, Member]:
    chat = access.chat_to_write(call.world, call.bot, call.params.chat_id())
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    member = chat.member(call.bot.id)
    assert member is not None  # chat_to_write found the bot in the chat
    return chat, member


def _name(value: str | None, required: bool) -> str | None:
    if not value:
        if required:
            raise bad_request("topic name is empty")
        return None
    if len(value) > NAME_LIMIT:
        raise bad_request("topic name is too long")
    return value


async def create_forum_topic(call: Call) -> dict[str, Any]:
    p = call.params
    chat, member = _forum(call)
    if not member.can("can_manage_topics"):
        raise access.rights_error("create a topic")
    name = _name(p.string("name"), required=True)
    assert name is not None
    color = p.integer("icon_color")
    if color is not None and color not in TOPIC_COLORS:
        raise bad_request("wrong icon_color specified")
    icon = color if color is not None else TOPIC_COLORS[chat.next_message_id % len(TOPIC_COLORS)]
    emoji = p.string("icon_custom_emoji_id") or None
    topic, message = call.world.open_topic(chat, call.bot.id, name, icon, emoji)
    call.record("createForumTopic", chat, message)
    return render.topic(topic)


async def edit_forum_topic(call: Call) -> bool:
    p = call.params
    chat, member = _forum(call)
    topic = chat.topics.get(p.integer("message_thread_id") or 0)
    if topic is None:
        raise bad_request("message thread not found")
    if topic.creator_id != call.bot.id and not member.can("can_manage_topics"):
        raise access.rights_error("edit a topic")
    name = _name(p.string("name"), required=False)
    emoji = p.string("icon_custom_emoji_id") if p.has("icon_custom_emoji_id") else None
    edited: dict[str, Any] = {}
    if name is not None and name != topic.name:
        topic.name = edited["name"] = name
    if emoji is not None and (emoji or None) != topic.icon_custom_emoji_id:
        topic.icon_custom_emoji_id = emoji or None
        edited["icon_custom_emoji_id"] = emoji
    if not edited:
        raise bad_request("TOPIC_NOT_MODIFIED")
    message = call.world.post(chat, call.bot.id, {"forum_topic_edited": edited},
                              thread_id=topic.message_thread_id)
    call.record("editForumTopic", chat, message)
    return True


METHODS: dict[str, Handler] = {
    "createforumtopic": create_forum_topic,
    "editforumtopic": edit_forum_topic,
}
