"""In-memory model of Avito accounts, tokens and chats: pure logic, no HTTP."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from switchboard.emulators.avito.ids import IdFactory
from switchboard.emulators.avito.schemas import AccountSpec, IncomingSpec

IMAGE_SIZES = ("32x32", "140x105", "640x480", "1280x960")


class NotFound(LookupError):
    pass


class Conflict(ValueError):
    pass


class Clock:
    """Wall time plus an offset the control API advances (token expiry, rate windows)."""

    def __init__(self, source: Callable[[], float]) -> None:
        self._source = source
        self.offset = 0.0

    def now(self) -> float:
        return self._source() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class Item:
    id: int
    title: str
    price: int
    url: str

    @property
    def price_string(self) -> str:
        return f"{self.price:,}".replace(",", " ") + " ₽"


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


@dataclass
class Chat:
    id: str
    type: str
    buyer: Person
    item: Item | None
    created: int
    updated: int
    seq: int  # orders chats updated within the same second
    messages: list[Message] = field(default_factory=list)
    read_events: list[int] = field(default_factory=list)

    def is_unread(self, account_id: int) -> bool:
        return any(m.author_id != account_id and m.read_at is None for m in self.messages)


@dataclass
class SentRecord:
    chat_id: str
    message_id: str
    text: str
    created: int


@dataclass
class Account:
    person: Person
    client_id: str
    client_secret: str
    email: str
    phone: str
    items: list[Item]
    chats: dict[str, Chat] = field(default_factory=dict)
    subscriptions: list[str] = field(default_factory=list)
    sent: list[SentRecord] = field(default_factory=list)

    @property
    def user_id(self) -> int:
        return self.person.id

    def item(self, item_id: int) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


@dataclass
class Token:
    value: str
    user_id: int
    expires_at: float


class Store:
    def __init__(self, ids: IdFactory, clock: Clock, token_ttl_s: int) -> None:
        self.accounts: dict[int, Account] = {}
        self._tokens: dict[str, Token] = {}
        self._ids = ids
        self._clock = clock
        self._token_ttl_s = token_ttl_s
        self._seq = 0
        # Set by every change worth persisting; the state file's autosave clears it.
        self.dirty = False

    def _now(self) -> int:
        return int(self._clock.now())

    def create_account(self, spec: AccountSpec) -> Account:
        if spec.user_id is not None and spec.user_id in self.accounts:
            raise Conflict(f"user_id {spec.user_id} already exists")
        if spec.client_id and any(a.client_id == spec.client_id for a in self.accounts.values()):
            raise Conflict(f"client_id {spec.client_id} already exists")
        user_id = spec.user_id or self._unused_user_id()
        items = [self._new_item(s.title, s.price, s.url) for s in spec.items]
        account = Account(
            person=Person(user_id, spec.name or f"Магазин {user_id}", self._ids.profile_hash()),
            client_id=spec.client_id or self._ids.client_id(),
            client_secret=spec.client_secret or self._ids.client_secret(),
            email=f"seller{user_id}@example.com",
            phone=self._ids.phone(),
            items=items,
        )
        self.accounts[user_id] = account
        self.dirty = True
        return account

    def restore(self, accounts: dict[int, Account]) -> None:
        """Replace every account with a restored sandbox's; earlier tokens stop working."""
        self.accounts = accounts
        self._tokens.clear()
        self._seq = max((c.seq for a in accounts.values() for c in a.chats.values()), default=0)
        self.dirty = False

    def _unused_user_id(self) -> int:
        while (user_id := self._ids.user()) in self.accounts:
            pass
        return user_id

    def _new_item(self, title: str, price: int, url: str | None) -> Item:
        item_id = self._ids.item()
        return Item(item_id, title, price, url or f"https://www.avito.ru/moskva/tovary/{item_id}")

    def authenticate_client(self, client_id: str, client_secret: str) -> Account | None:
        for account in self.accounts.values():
            if account.client_id == client_id and hmac.compare_digest(
                account.client_secret.encode(), client_secret.encode()
            ):
                return account
        return None

    def issue_token(self, account: Account) -> Token:
        token = Token(self._ids.access_token(), account.user_id,
                      self._clock.now() + self._token_ttl_s)
        self._tokens[token.value] = token
        return token

    def find_token(self, value: str) -> Token | None:
        return self._tokens.get(value)

    def is_expired(self, token: Token) -> bool:
        return self._clock.now() >= token.expires_at

    def open_chat(self, account: Account, spec: IncomingSpec) -> Chat:
        """The chat a buyer writes into: the given one, the buyer's earlier chat about the
        same item, or a new one (u2i about `item_id` or the first item; u2u without items)."""
        if spec.chat_id and spec.chat_id in account.chats:
            return account.chats[spec.chat_id]
        chat_type = _chat_type(spec, account)
        item = _chat_item(account, chat_type, spec.item_id)
        if spec.chat_id is None and spec.author_id is not None:
            for chat in account.chats.values():
                if chat.buyer.id == spec.author_id and chat.type == chat_type and chat.item is item:
                    return chat
        buyer = Person(spec.author_id or self._ids.user(),
                       spec.author_name or self._ids.person_name(), self._ids.profile_hash())
        now = self._now()
        chat = Chat(spec.chat_id or self._ids.chat(chat_type), chat_type, buyer, item,
                    created=now, updated=now, seq=self._next_seq())
        account.chats[chat.id] = chat
        return chat

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def post(self, chat: Chat, author_id: int, kind: str, content: dict[str, Any]) -> Message:
        message = Message(self._ids.message(), author_id, self._now(), kind, content)
        chat.messages.append(message)
        chat.updated, chat.seq = message.created, self._next_seq()
        self.dirty = True
        return message

    def send_text(self, account: Account, chat: Chat, text: str) -> Message:
        message = self.post(chat, account.user_id, "text", {"text": text})
        account.sent.append(SentRecord(chat.id, message.id, text, message.created))
        return message

    def mark_read(self, account: Account, chat: Chat) -> None:
        now = self._now()
        for message in chat.messages:
            if message.author_id != account.user_id and message.read_at is None:
                message.read_at = now
        chat.read_events.append(now)
        self.dirty = True

    def subscribe(self, account: Account, url: str) -> None:
        # Subscriptions add up; the same URL twice stays one subscription.
        if url not in account.subscriptions:
            account.subscriptions.append(url)
            self.dirty = True

    def unsubscribe(self, account: Account, url: str) -> None:
        if url in account.subscriptions:
            account.subscriptions.remove(url)
            self.dirty = True


def list_chats(account: Account, chat_types: Collection[str], item_ids: Collection[int],
               unread_only: bool) -> list[Chat]:
    """Matching chats, most recently updated first (the order real Avito returns)."""
    chats = [
        c for c in account.chats.values()
        if c.type in chat_types
        and (not item_ids or (c.item is not None and c.item.id in item_ids))
        and (not unread_only or c.is_unread(account.user_id))
    ]
    return sorted(chats, key=lambda c: (c.updated, c.seq), reverse=True)


def _chat_type(spec: IncomingSpec, account: Account) -> str:
    if spec.chat_id and spec.chat_id[:4] in ("u2i-", "u2u-"):
        return spec.chat_id[:3]
    return "u2i" if spec.item_id is not None or account.items else "u2u"


def _chat_item(account: Account, chat_type: str, item_id: int | None) -> Item | None:
    if chat_type == "u2u":
        return None
    if item_id is None:
        if not account.items:
            raise NotFound("the account has no items to open an item chat about")
        return account.items[0]
    item = account.item(item_id)
    if item is None:
        raise NotFound(f"the account has no item {item_id}")
    return item


def image_content(url: str) -> dict[str, Any]:
    return {"image": {"sizes": dict.fromkeys(IMAGE_SIZES, url)}}
