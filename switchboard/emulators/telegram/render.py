"""Telegram's object shapes (https://core.telegram.org/bots/api#available-types) from the
emulator's data: User, Chat, ChatFullInfo, Message, ChatMember, ForumTopic, File."""

from __future__ import annotations

from typing import Any

from switchboard.emulators.telegram.model import (
    ADMIN_RIGHTS,
    ADMINISTRATOR,
    CREATOR,
    KICKED,
    PRIVATE,
    RESTRICTED,
    Bot,
    Chat,
    File,
    Member,
    Message,
    Topic,
    User,
)

# Restricted members in the sandbox may do everything a member may.
_MEMBER_PERMISSIONS = ("can_send_messages", "can_send_audios", "can_send_documents",
                       "can_send_photos", "can_send_videos", "can_send_video_notes",
                       "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
                       "can_add_web_page_previews", "can_change_info", "can_invite_users",
                       "can_pin_messages", "can_manage_topics")


def _some(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def user(u: User) -> dict[str, Any]:
    return {"id": u.id, "is_bot": u.is_bot, "first_name": u.first_name,
            **_some(last_name=u.last_name, username=u.username, language_code=u.language_code,
                    is_premium=True if u.is_premium else None)}


def me(bot: Bot, u: User) -> dict[str, Any]:
    """getMe: the bot's User with what only getMe tells."""
    return {**user(u), "can_join_groups": bot.can_join_groups,
            "can_read_all_group_messages": bot.can_read_all_group_messages,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False}


def chat(c: Chat, person: User | None = None) -> dict[str, Any]:
    """The Chat in a message; a private chat is the user's (`person`)."""
    if c.type == PRIVATE:
        assert person is not None
        return {"id": c.id, **_some(first_name=person.first_name, last_name=person.last_name,
                                    username=person.username), "type": PRIVATE}
    body: dict[str, Any] = {"id": c.id, "title": c.title, **_some(username=c.username),
                            "type": c.type}
    if c.is_forum:
        body["is_forum"] = True
    return body


def chat_full_info(c: Chat, person: User | None = None) -> dict[str, Any]:
    body = {**chat(c, person), "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                    "unique_gifts": False, "premium_subscription": False,
                                    "gifts_from_channels": False}}
    if c.type != PRIVATE:
        body["permissions"] = {name: True for name in _MEMBER_PERMISSIONS}
    return body


def member(m: Member, u: User) -> dict[str, Any]:
    """ChatMemberOwner / Administrator / Member / Restricted / Left / Banned."""
    body: dict[str, Any] = {"user": user(u), "status": m.status}
    if m.status == CREATOR:
        body["is_anonymous"] = False
    elif m.status == ADMINISTRATOR:
        body.update(can_be_edited=False, is_anonymous=False,
                    **{right: m.rights.get(right, False) for right in ADMIN_RIGHTS})
    elif m.status == RESTRICTED:
        body.update(is_member=True, until_date=m.until_date,
                    **{name: True for name in _MEMBER_PERMISSIONS})
    elif m.status == KICKED:
        body["until_date"] = m.until_date
    if m.custom_title and m.status in (CREATOR, ADMINISTRATOR):
        body["custom_title"] = m.custom_title
    return body


def topic(t: Topic) -> dict[str, Any]:
    return {"message_thread_id": t.message_thread_id, "name": t.name,
            "icon_color": t.icon_color, **_some(icon_custom_emoji_id=t.icon_custom_emoji_id)}


def message(m: Message, c: Chat, users: dict[int, User], nested: bool = True) -> dict[str, Any]:
    """The Message as Telegram sends it; a reply carries the message it replies to, one level
    deep (that one without its own reply)."""
    person = users.get(c.user_id) if c.user_id is not None else None
    body: dict[str, Any] = {"message_id": m.message_id}
    if m.thread_id is not None:
        body["message_thread_id"] = m.thread_id
    body.update({"from": user(users[m.from_id]), "chat": chat(c, person), "date": m.date})
    if m.is_topic_message:
        body["is_topic_message"] = True
    replied = c.messages.get(m.reply_to_id) if m.reply_to_id is not None else None
    if nested and replied is not None and not replied.deleted:
        body["reply_to_message"] = message(replied, c, users, nested=False)
    if m.edit_date is not None:
        body["edit_date"] = m.edit_date
    body.update(m.content)
    return body


def photo_sizes(f: File) -> list[dict[str, Any]]:
    """One PhotoSize: the emulator does not make thumbnails."""
    return [{"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_size": f.size,
             "width": f.width, "height": f.height}]


def media(f: File) -> dict[str, Any]:
    """The Voice or Document of a message."""
    body: dict[str, Any] = {"file_id": f.file_id, "file_unique_id": f.file_unique_id}
    if f.kind == "voice":
        body["duration"] = f.duration
    elif f.file_name:
        body["file_name"] = f.file_name
    return {**body, **_some(mime_type=f.mime_type), "file_size": f.size}


def file(f: File) -> dict[str, Any]:
    return {"file_id": f.file_id, "file_unique_id": f.file_unique_id, "file_size": f.size,
            "file_path": f.path}
