"""Bodies of the `/_emulator` control plane (strict: a misspelt field is a 422, not a silently
ignored setting)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from switchboard.emulators.telegram.settings import Limits

Status = Literal["creator", "administrator", "member", "restricted", "left", "kicked"]
USERNAME = r"^[A-Za-z][A-Za-z0-9_]{3,31}$"


class _Control(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BotSpec(_Control):
    """A bot as @BotFather makes it; whatever is omitted is generated."""

    id: int | None = Field(default=None, gt=0)
    secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{30,64}$")
    username: str | None = Field(default=None, pattern=USERNAME)
    first_name: str = Field(default="Sandbox Bot", min_length=1, max_length=64)
    can_join_groups: bool = True
    can_read_all_group_messages: bool = False

    @model_validator(mode="after")
    def _bot_username(self) -> Self:
        if self.username is not None and not self.username.lower().endswith("bot"):
            raise ValueError("a bot's username must end in 'bot'")
        return self


class UserSpec(_Control):
    id: int | None = Field(default=None, gt=0)
    first_name: str | None = Field(default=None, min_length=1, max_length=64)
    last_name: str | None = Field(default=None, max_length=64)
    username: str | None = Field(default=None, pattern=USERNAME)
    language_code: str | None = "ru"
    is_premium: bool = False


class PrivateSpec(_Control):
    """The user starts the bot (`started`) or blocks it (`blocked`)."""

    status: Literal["started", "blocked"]


class MemberSpec(_Control):
    user_id: int = Field(gt=0)
    status: Status = "member"
    # Administrators: the rights given (ChatMemberAdministrator's can_* names); omitted ones
    # take the default (all but can_promote_members).
    rights: dict[str, bool] = Field(default_factory=dict)
    custom_title: str | None = None
    by_user_id: int | None = None  # who made the change (default: the chat's creator)


class ChatSpec(_Control):
    id: int | None = Field(default=None, lt=0)
    type: Literal["group", "supergroup"] = "supergroup"
    title: str = Field(min_length=1, max_length=128)
    username: str | None = Field(default=None, pattern=USERNAME)
    is_forum: bool = False  # topics on (supergroups only)
    members: list[MemberSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _forum(self) -> Self:
        if self.is_forum and self.type != "supergroup":
            raise ValueError("only a supergroup can have topics")
        return self


class TopicSpec(_Control):
    name: str = Field(min_length=1, max_length=128)
    icon_color: int | None = None
    by_user_id: int | None = None  # default: the chat's creator


class MediaSpec(_Control):
    """A file a user sends; without content a small sample of the kind is used."""

    content_base64: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    duration: int = Field(default=1, ge=0)


class MessageSpec(_Control):
    """A user writes: in a group (`chat_id`), or in their private chat with `bot_id`."""

    from_user_id: int = Field(gt=0)
    chat_id: int | None = None
    bot_id: int | None = None
    text: str | None = Field(default=None, min_length=1, max_length=4096)
    photo: MediaSpec | None = None
    voice: MediaSpec | None = None
    document: MediaSpec | None = None
    caption: str | None = Field(default=None, max_length=1024)
    message_thread_id: int | None = None
    reply_to_message_id: int | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        kinds = [k for k in (self.text, self.photo, self.voice, self.document) if k is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one of text, photo, voice, document")
        if (self.chat_id is None) == (self.bot_id is None):
            raise ValueError("give chat_id (a group) or bot_id (the user's private chat)")
        return self


class CallbackSpec(_Control):
    """A user presses an inline button of a bot's message."""

    bot_id: int
    from_user_id: int = Field(gt=0)
    chat_id: int | None = None  # default: the user's private chat with the bot
    message_id: int
    data: str


class FaultSpec(_Control):
    """`method` (any case, `*` for all): its next `count` calls (of `bot_id`, about `chat_id`,
    when given) wait `latency_ms`, then answer `status` if set. `storm_s`: every send and edit
    answers 429 for that long, with an honest retry_after. `webhook_failures`: the next N
    webhook attempts fail as if the receiver were unreachable."""

    method: str | None = None
    bot_id: int | None = None
    chat_id: int | None = None
    status: Literal[429, 500, 502, 503, 504] | None = None
    retry_after: int = Field(default=1, ge=1, le=3600)
    latency_ms: int = Field(default=0, ge=0, le=120_000)
    count: int = Field(default=1, ge=1)
    storm_s: float | None = Field(default=None, gt=0, le=3600)
    webhook_failures: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _something(self) -> Self:
        call_fault = self.method is not None
        if call_fault and self.status is None and self.latency_ms == 0:
            raise ValueError("a method fault needs a status or latency_ms")
        if not call_fault and self.storm_s is None and self.webhook_failures is None:
            raise ValueError("give method, storm_s or webhook_failures")
        return self


class ClockAdvance(_Control):
    advance_seconds: float = Field(gt=0)


__all__ = ["BotSpec", "CallbackSpec", "ChatSpec", "ClockAdvance", "FaultSpec", "Limits",
           "MediaSpec", "MemberSpec", "MessageSpec", "PrivateSpec", "TopicSpec", "UserSpec"]
