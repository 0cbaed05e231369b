"""In-memory Telegram: users, bots, chats and their messages, and the changes made to them.
Pure logic, no HTTP; lookups by id are dict accesses so big sandboxes stay fast."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from switchboard.emulators.telegram.ids import IdFactory
from switchboard.emulators.telegram.model import (
    ADMINISTRATOR,
    CREATOR,
    DEFAULT_ADMIN_RIGHTS,
    PRIVATE,
    SUPERGROUP,
    Bot,
    Chat,
    Clock,
    ControlError,
    File,
    Member,
    Message,
    Topic,
    User,
)
from switchboard.emulators.telegram.schemas import BotSpec, ChatSpec, MemberSpec, UserSpec


class World:
    def __init__(self, ids: IdFactory, clock: Clock) -> None:
        self.ids = ids
        self.clock = clock
        self.users: dict[int, User] = {}  # bots are users too
        self.bots: dict[int, Bot] = {}
        self.groups: dict[int, Chat] = {}
        self.private: dict[tuple[int, int], Chat] = {}  # (bot id, user id)
        self.files: dict[str, File] = {}  # by file_id
        self.sent_seq = 0
        # Set by every change worth persisting; the state file's autosave clears it.
        self.dirty = False

    def _unused(self, draw: Callable[[], int], taken: Collection[int]) -> int:
        while (value := draw()) in taken:
            pass
        return value

    def _username_free(self, username: str | None) -> None:
        if username is None:
            return
        folded = username.lower()
        if any((u.username or "").lower() == folded for u in self.users.values()) or any(
                (c.username or "").lower() == folded for c in self.groups.values()):
            raise ControlError(409, f"username {username} is taken")

    def create_user(self, spec: UserSpec) -> User:
        if spec.id is not None and spec.id in self.users:
            raise ControlError(409, f"user {spec.id} already exists")
        self._username_free(spec.username)
        user = User(spec.id or self._unused(self.ids.user, self.users),
                    spec.first_name or self.ids.person_name(), spec.last_name, spec.username,
                    spec.language_code, spec.is_premium)
        self.users[user.id] = user
        self.dirty = True
        return user

    def create_bot(self, spec: BotSpec) -> Bot:
        if spec.id is not None and spec.id in self.users:
            raise ControlError(409, f"user {spec.id} already exists")
        bot_id = spec.id or self._unused(self.ids.bot, self.users)
        username = spec.username or f"sandbox_{self.ids.username_suffix()}_bot"
        self._username_free(username)
        self.users[bot_id] = User(bot_id, spec.first_name, username=username, is_bot=True)
        bot = Bot(bot_id, spec.secret or self.ids.token_secret(), spec.can_join_groups,
                  spec.can_read_all_group_messages, next_update_id=self.ids.first_update_id())
        self.bots[bot_id] = bot
        self.dirty = True
        return bot

    def bot_by_token(self, token: str) -> Bot | None:
        head, _, secret = token.partition(":")
        bot = self.bots.get(int(head)) if head.isdigit() else None
        return bot if bot is not None and bot.secret == secret else None

    def user(self, user_id: int) -> User:
        found = self.users.get(user_id)
        if found is None or found.is_bot:
            raise ControlError(404, f"no user {user_id}")
        return found

    def bot(self, bot_id: int) -> Bot:
        found = self.bots.get(bot_id)
        if found is None:
            raise ControlError(404, f"no bot {bot_id}")
        return found

    def group(self, chat_id: int) -> Chat:
        found = self.groups.get(chat_id)
        if found is None:
            raise ControlError(404, f"no chat {chat_id}")
        return found

    def private_chat(self, bot: Bot, user_id: int) -> Chat:
        """The user's chat with the bot, made on first use."""
        key = (bot.id, user_id)
        chat = self.private.get(key)
        if chat is None:
            chat = self.private[key] = Chat(user_id, PRIVATE, bot_id=bot.id, user_id=user_id)
        return chat

    def create_chat(self, spec: ChatSpec) -> Chat:
        if spec.id is not None and spec.id in self.groups:
            raise ControlError(409, f"chat {spec.id} already exists")
        self._username_free(spec.username)
        draw = self.ids.supergroup if spec.type == SUPERGROUP else self.ids.group
        # Message 1 was the chat's creation, before the sandbox knew it; in a forum, thread 1
        # is the General topic, so no topic may get that id.
        chat = Chat(spec.id or self._unused(draw, self.groups), spec.type, spec.title,
                    spec.username, spec.is_forum, next_message_id=2)
        for member in spec.members:
            self.user_or_bot(member.user_id)
            chat.members[member.user_id] = member_of(member)
        self.groups[chat.id] = chat
        self.dirty = True
        return chat

    def user_or_bot(self, user_id: int) -> User:
        found = self.users.get(user_id)
        if found is None:
            raise ControlError(404, f"no user {user_id}")
        return found

    def creator(self, chat: Chat) -> int | None:
        return next((m.user_id for m in chat.members.values() if m.status == CREATOR), None)

    def post(self, chat: Chat, from_id: int, content: dict[str, Any], *,
             thread_id: int | None = None, reply_to_id: int | None = None) -> Message:
        """A new message in the chat (in a topic when `thread_id` names one)."""
        topic_message = chat.is_forum and thread_id is not None
        if topic_message and reply_to_id is None:
            # In a topic, a message that replies to nothing replies to the topic's first one.
            reply_to_id = thread_id
        message = Message(chat.next_message_id, from_id, self.clock.date(), content,
                           thread_id=thread_id, is_topic_message=topic_message,
                           reply_to_id=reply_to_id)
        chat.messages[message.message_id] = message
        chat.next_message_id += 1
        self.dirty = True
        return message

    def open_topic(self, chat: Chat, creator_id: int, name: str, icon_color: int,
                   icon_custom_emoji_id: str | None = None) -> tuple[Topic, Message]:
        created: dict[str, Any] = {"name": name, "icon_color": icon_color}
        if icon_custom_emoji_id:
            created["icon_custom_emoji_id"] = icon_custom_emoji_id
        thread_id = chat.next_message_id
        message = Message(thread_id, creator_id, self.clock.date(),
                          {"forum_topic_created": created}, thread_id=thread_id,
                          is_topic_message=True)
        chat.messages[thread_id] = message
        chat.next_message_id += 1
        topic = Topic(thread_id, name, icon_color, icon_custom_emoji_id, creator_id)
        chat.topics[thread_id] = topic
        self.dirty = True
        return topic, message

    def add_file(self, file: File) -> File:
        self.files[file.file_id] = file
        self.dirty = True
        return file

    def next_sent_seq(self) -> int:
        self.sent_seq += 1
        return self.sent_seq


def member_of(spec: MemberSpec) -> Member:
    rights = {**DEFAULT_ADMIN_RIGHTS, **spec.rights} if spec.status == ADMINISTRATOR else {}
    unknown = set(spec.rights) - set(DEFAULT_ADMIN_RIGHTS)
    if unknown:
        raise ControlError(422, f"unknown rights: {', '.join(sorted(unknown))}")
    return Member(spec.user_id, spec.status, rights, spec.custom_title)
