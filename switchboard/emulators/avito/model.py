"""The emulator's data: accounts, their listings, chats and messages. Pure data, no HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

IMAGE_SIZES = ("32x32", "140x105", "640x480", "1280x960")
CARD_SIZE = "140x105"  # the one size of a listing's picture in a chat's context (§3.2)
# Where the emulator serves its own listing pictures (item_images.py): no internet in the sandbox.
ITEM_IMAGE_PATH = "/_emulator/item-images/{size}/{item_id}.jpg"
ITEM_STATUSES = ("active", "removed", "old", "blocked", "rejected")
DEFAULT_CATEGORY = (25, "Мебель и интерьер")


class NotFound(LookupError):
    pass


class Conflict(ValueError):
    pass


class Refused(Exception):
    """Avito refuses the call (e.g. deleting someone else's message); `status` says how."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Clock:
    """Wall time plus an offset the control API advances (token expiry, rate windows)."""

    def __init__(self, source: Callable[[], float]) -> None:
        self._source = source
        self.offset = 0.0

    def now(self) -> float:
        return self._source() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def price_string(price: int | None) -> str | None:
    """`18 500 ₽`, as Avito shows prices in chats."""
    return None if price is None else f"{price:,}".replace(",", " ") + " ₽"


@dataclass
class Item:
    id: int
    title: str
    price: int | None
    url: str
    status: str = "active"
    image_url: str | None = None
    address: str = "Москва"
    category_id: int = DEFAULT_CATEGORY[0]
    category_name: str = DEFAULT_CATEGORY[1]
    start_time: int | None = None
    finish_time: int | None = None
    updated: int = 0  # last edit, for the list's updatedAtFrom filter

    @property
    def price_string(self) -> str | None:
        return price_string(self.price)

    def image(self, base_url: str, size: str = CARD_SIZE) -> str:
        """The seller's own picture when they gave one, else the emulator's drawing of it
        (`base_url`: the emulator as its caller reaches it)."""
        return self.image_url or base_url + ITEM_IMAGE_PATH.format(size=size, item_id=self.id)


@dataclass
class Person:
    id: int
    name: str
    profile_hash: str

    @property
    def profile_url(self) -> str:
        return f"https://avito.ru/user/{self.profile_hash}/profile"


@dataclass
class Message:
    id: str
    author_id: int
    created: int
    type: str
    content: dict[str, Any]
    read_at: int | None = None  # when the account read it; set on incoming messages only
    quote_id: str | None = None


@dataclass
class Chat:
    id: str
    type: str
    seller_id: int
    buyer: Person
    item: Item | None
    created: int
    updated: int
    seq: int  # orders chats updated within the same second
    messages: list[Message] = field(default_factory=list)
    read_events: list[int] = field(default_factory=list)
    by_id: dict[str, Message] = field(init=False, repr=False)
    unread: int = field(init=False)  # incoming messages the account has not read

    def __post_init__(self) -> None:
        self.by_id = {m.id: m for m in self.messages}
        self.unread = sum(1 for m in self.messages if self.incoming(m) and m.read_at is None)

    def incoming(self, message: Message) -> bool:
        return message.author_id != self.seller_id

    def add(self, message: Message) -> None:
        self.messages.append(message)
        self.by_id[message.id] = message
        if self.incoming(message):
            self.unread += 1

    def is_unread(self) -> bool:
        return self.unread > 0


@dataclass
class SentRecord:
    chat_id: str
    message_id: str
    text: str
    created: int


@dataclass
class BlacklistEntry:
    user_id: int
    item_id: int | None
    reason_id: int | None
    created: int


@dataclass
class Account:
    person: Person
    client_id: str
    client_secret: str
    email: str
    phone: str
    items: dict[int, Item] = field(default_factory=dict)
    # Most recently updated last: chats are re-inserted on every message, so listing newest
    # first is a reversed walk instead of a sort.
    chats: dict[str, Chat] = field(default_factory=dict)
    subscriptions: list[str] = field(default_factory=list)
    sent: list[SentRecord] = field(default_factory=list)
    blacklist: dict[int, BlacklistEntry] = field(default_factory=dict)
    messenger_access: bool = True
    balance_real: float = 0.0
    balance_bonus: float = 0.0
    balance_cpa: int = 0  # kopecks, may be negative
    voices: dict[str, str] = field(init=False, repr=False)  # voice_id -> chat_id
    buyer_chats: dict[tuple[int, str, int | None], Chat] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.voices, self.buyer_chats = {}, {}
        for chat in self.chats.values():
            self.index_chat(chat)
            for message in chat.messages:
                self.index_message(chat, message)

    @property
    def user_id(self) -> int:
        return self.person.id

    def index_chat(self, chat: Chat) -> None:
        # A buyer's first chat about an item is the one their next message goes to.
        key = (chat.buyer.id, chat.type, chat.item.id if chat.item else None)
        self.buyer_chats.setdefault(key, chat)

    def index_message(self, chat: Chat, message: Message) -> None:
        if message.type == "voice":
            self.voices[message.content["voice"]["voice_id"]] = chat.id

    def touch(self, chat: Chat) -> None:
        """Move `chat` to the most recent end."""
        self.chats[chat.id] = self.chats.pop(chat.id, chat)
