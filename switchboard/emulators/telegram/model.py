"""The emulator's world: users, bots, chats with their members, topics and messages, files.
Pure data, no HTTP. Flat dataclasses of JSON values, so the state file is a plain dump."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from switchboard.emulators.avito.model import Clock as WallClock

PRIVATE, GROUP, SUPERGROUP = "private", "group", "supergroup"
# Statuses of a chat member, as ChatMember.status spells them.
CREATOR, ADMINISTRATOR, MEMBER, RESTRICTED, LEFT, KICKED = (
    "creator", "administrator", "member", "restricted", "left", "kicked")
PRESENT = frozenset({CREATOR, ADMINISTRATOR, MEMBER, RESTRICTED})
# A private chat as the bot sees it: the user started it, or blocked the bot.
STARTED, BLOCKED = "started", "blocked"
# ChatMemberAdministrator's rights; an administrator added without a list gets all of them
# but promoting others, as Telegram's "add admin" screen proposes.
ADMIN_RIGHTS = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info",
                "can_invite_users", "can_post_stories", "can_edit_stories",
                "can_delete_stories", "can_send_welcome_messages", "can_pin_messages",
                "can_manage_topics")
DEFAULT_ADMIN_RIGHTS = {right: right != "can_promote_members" for right in ADMIN_RIGHTS}
# The six colours a topic icon may have (ForumTopic.icon_color).
TOPIC_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)


class Clock(WallClock):
    """The Avito emulator's clock (wall time plus an offset the control API advances: update
    expiry, deletion windows), telling Telegram's dates: whole seconds."""

    def date(self) -> int:
        return int(self.now())


@dataclass
class User:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool = False
    is_bot: bool = False


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Update:
    update_id: int
    date: float  # when it was made, for the retention
    kind: str  # message, callback_query, my_chat_member, ...
    body: dict[str, Any]  # the Update object as sent


@dataclass
class SentRecord:
    """A message a bot made; what it looks like now is read from the chat."""

    seq: int
    method: str
    chat_id: int
    message_id: int
    # The emulator's clock when it was made, to the microsecond (a message's `date` is whole
    # seconds): what the bench times a post by.
    at: float = 0.0


@dataclass
class DeletedRecord:
    chat_id: int
    message_id: int
    date: int
    message: dict[str, Any]  # the message as it was


@dataclass
class Callback:
    id: str
    from_id: int
    chat_id: int
    message_id: int
    data: str
    date: int
    answer: dict[str, Any] | None = None


@dataclass
class Bot:
    id: int
    secret: str
    can_join_groups: bool = True
    can_read_all_group_messages: bool = False  # False: privacy mode (groups: commands etc.)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None  # None: Telegram's default set
    webhook: Webhook | None = None
    private: dict[int, str] = field(default_factory=dict)  # user id -> STARTED | BLOCKED
    pending: list[Update] = field(default_factory=list)
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    sent: list[SentRecord] = field(default_factory=list)
    deleted: list[DeletedRecord] = field(default_factory=list)
    callbacks: dict[str, Callback] = field(default_factory=dict)

    @property
    def token(self) -> str:
        return f"{self.id}:{self.secret}"


@dataclass
class Member:
    user_id: int
    status: str
    rights: dict[str, bool] = field(default_factory=dict)  # administrators only
    custom_title: str | None = None
    until_date: int = 0

    def can(self, right: str) -> bool:
        return self.status == CREATOR or (self.status == ADMINISTRATOR
                                          and self.rights.get(right, False))


@dataclass
class Topic:
    message_thread_id: int  # the id of its forum_topic_created message
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    creator_id: int = 0


@dataclass
class Message:
    message_id: int
    from_id: int
    date: int
    # The Message fields of its content: text + entities, photo + caption, voice,
    # forum_topic_created, new_chat_members, reply_markup (inline keyboards only) ...
    content: dict[str, Any]
    thread_id: int | None = None
    is_topic_message: bool = False
    reply_to_id: int | None = None
    edit_date: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)  # what each edit set
    deleted: bool = False
    # setMessageReaction: who reacted (a user's id, as a string: JSON keys) -> ReactionTypes.
    reactions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    is_forum: bool = False
    # Private chats: the bot and the user (the chat's id is the user's).
    bot_id: int | None = None
    user_id: int | None = None
    members: dict[int, Member] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1

    def member(self, user_id: int) -> Member | None:
        return self.members.get(user_id)

    def has(self, user_id: int) -> bool:
        member = self.members.get(user_id)
        return member is not None and member.status in PRESENT


@dataclass
class File:
    file_id: str
    file_unique_id: str
    kind: str  # photo | voice | document
    data: bytes
    mime_type: str | None
    path: str  # under /file/bot<token>/
    file_name: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0
    bots: list[int] = field(default_factory=list)  # bots that may use its file_id

    @property
    def size(self) -> int:
        return len(self.data)


class TelegramError(Exception):
    """A Bot API error: `{"ok": false, "error_code", "description"[, "parameters"]}`."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad_request(what: str) -> TelegramError:
    return TelegramError(400, f"Bad Request: {what}")


def forbidden(what: str) -> TelegramError:
    return TelegramError(403, f"Forbidden: {what}")


def too_many_requests(retry_after: int) -> TelegramError:
    return TelegramError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


class ControlError(Exception):
    """A control-plane request that cannot be done (unknown id, conflict): 404 / 409 / 422."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
