"""In-memory Avito: accounts, listings, chats, tokens, and the changes the API makes to them.
Pure logic, no HTTP; every lookup by id is a dict access so big sandboxes stay fast."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from itertools import islice
from typing import Any

from switchboard.emulators.avito.ids import IdFactory
from switchboard.emulators.avito.model import (
    Account,
    BlacklistEntry,
    Chat,
    Clock,
    Conflict,
    Item,
    Message,
    NotFound,
    Person,
    Refused,
    SentRecord,
)
from switchboard.emulators.avito.schemas import AccountPatch, AccountSpec, ItemPatch, ItemSpec
from switchboard.emulators.avito.tokens import (
    Lifetimes,
    PartnerApp,
    RefreshToken,
    Tokens,
    secret_matches,
)

DELETE_WINDOW_S = 3600  # Avito deletes only messages sent within the last hour
LISTING_DAYS = 30


class Store:
    def __init__(self, ids: IdFactory, clock: Clock, lifetimes: Lifetimes) -> None:
        self.accounts: dict[int, Account] = {}
        self.tokens = Tokens(ids, clock, lifetimes)
        self._by_client: dict[str, Account] = {}
        self._item_owner: dict[int, Account] = {}
        self._ids = ids
        self._clock = clock
        self._seq = 0
        # Set by every change worth persisting; the state file's autosave clears it.
        self.dirty = False

    def now(self) -> int:
        return int(self._clock.now())

    def restore(self, accounts: dict[int, Account], apps: Iterable[PartnerApp],
                refresh: Iterable[RefreshToken]) -> None:
        """Replace everything with a restored sandbox's; access tokens issued earlier stop
        working, refresh tokens carry over."""
        self.accounts = accounts
        self._by_client = {a.client_id: a for a in accounts.values()}
        self._item_owner = {i: a for a in accounts.values() for i in a.items}
        self.tokens.forget_access()
        self.tokens.apps = {app.client_id: app for app in apps}
        self.tokens.refresh = {token.value: token for token in refresh}
        self._seq = max((c.seq for a in accounts.values() for c in a.chats.values()), default=0)
        self.dirty = False

    def client_taken(self, client_id: str) -> bool:
        return client_id in self._by_client or client_id in self.tokens.apps

    def create_account(self, spec: AccountSpec) -> Account:
        if spec.user_id is not None and spec.user_id in self.accounts:
            raise Conflict(f"user_id {spec.user_id} already exists")
        if spec.client_id and self.client_taken(spec.client_id):
            raise Conflict(f"client_id {spec.client_id} already exists")
        user_id = spec.user_id or self._unused(self._ids.user, self.accounts)
        account = Account(
            person=Person(user_id, spec.name or f"Магазин {user_id}", self._ids.profile_hash()),
            client_id=spec.client_id or self._ids.client_id(),
            client_secret=spec.client_secret or self._ids.client_secret(),
            email=f"seller{user_id}@example.com",
            phone=self._ids.phone(),
            messenger_access=spec.messenger_access,
            balance_real=spec.balance.real,
            balance_bonus=spec.balance.bonus,
            balance_cpa=spec.balance.cpa,
        )
        for item in spec.items:
            self.add_item(account, item)
        self.accounts[user_id] = account
        self._by_client[account.client_id] = account
        self.dirty = True
        return account

    def update_account(self, account: Account, patch: AccountPatch) -> None:
        if patch.name is not None:
            account.person.name = patch.name
        if patch.messenger_access is not None:
            account.messenger_access = patch.messenger_access
        if patch.client_secret is not None:
            account.client_secret = patch.client_secret
        if patch.balance is not None:
            account.balance_real, account.balance_bonus = patch.balance.real, patch.balance.bonus
            account.balance_cpa = patch.balance.cpa
        self.dirty = True

    def _unused(self, draw: Callable[[], int], taken: Collection[int]) -> int:
        while (value := draw()) in taken:
            pass
        return value

    def add_item(self, account: Account, spec: ItemSpec) -> Item:
        if spec.id is not None and spec.id in self._item_owner:
            raise Conflict(f"item {spec.id} already exists")
        item_id = spec.id or self._unused(self._ids.item, self._item_owner)
        now = self.now()
        item = Item(item_id, spec.title, spec.price,
                    spec.url or f"https://www.avito.ru/moskva/tovary/{item_id}",
                    status=spec.status, image_url=spec.image_url, start_time=now,
                    finish_time=now + LISTING_DAYS * 86_400, updated=now)
        account.items[item_id] = item
        self._item_owner[item_id] = account
        self.dirty = True
        return item

    def update_item(self, item: Item, patch: ItemPatch) -> None:
        for name in patch.model_fields_set:
            value = getattr(patch, name)
            if value is not None or name in ("price", "image_url"):
                setattr(item, name, value)
        item.updated = self.now()
        self.dirty = True

    def item_owner(self, item_id: int) -> Account | None:
        return self._item_owner.get(item_id)

    def authenticate_client(self, client_id: str, client_secret: str) -> Account | None:
        account = self._by_client.get(client_id)
        if account and secret_matches(account.client_secret, client_secret):
            return account
        return None

    def new_chat(self, account: Account, chat_id: str | None, chat_type: str,
                 item: Item | None, buyer: tuple[int | None, str | None]) -> Chat:
        author_id, author_name = buyer
        person = Person(author_id or self._ids.user(), author_name or self._ids.person_name(),
                        self._ids.profile_hash())
        now = self.now()
        chat = Chat(chat_id or self._ids.chat(chat_type), chat_type, account.user_id, person,
                    item, created=now, updated=now, seq=self._next_seq())
        account.chats[chat.id] = chat
        account.index_chat(chat)
        return chat

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def post(self, account: Account, chat: Chat, author_id: int, kind: str,
             content: dict[str, Any], quote_id: str | None = None) -> Message:
        message = Message(self._ids.message(), author_id, self.now(), kind, content,
                          quote_id=quote_id)
        chat.add(message)
        chat.updated, chat.seq = message.created, self._next_seq()
        account.touch(chat)
        account.index_message(chat, message)
        self.dirty = True
        return message

    def send_text(self, account: Account, chat: Chat, text: str) -> Message:
        message = self.post(account, chat, account.user_id, "text", {"text": text})
        account.sent.append(SentRecord(chat.id, message.id, text, message.created))
        return message

    def delete_message(self, account: Account, chat: Chat, message_id: str) -> Message | None:
        """Turn the account's own recent message into `deleted`; None if it already was."""
        message = chat.by_id.get(message_id)
        if message is None:
            raise NotFound(f"no message {message_id}")
        if message.author_id != account.user_id:
            raise Refused(403, "Only your own messages can be deleted")
        if message.type == "deleted":
            return None
        if self.now() - message.created > DELETE_WINDOW_S:
            raise Refused(400, "Messages can be deleted only within 1 hour after sending")
        message.type, message.content = "deleted", {}
        self.dirty = True
        return message

    def mark_read(self, account: Account, chat: Chat) -> None:
        now = self.now()
        # Everything before the last read incoming message was read with it.
        for message in reversed(chat.messages):
            if chat.incoming(message):
                if message.read_at is not None:
                    break
                message.read_at = now
        chat.unread = 0
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

    def block(self, account: Account, user_id: int, item_id: int | None,
              reason_id: int | None) -> None:
        account.blacklist[user_id] = BlacklistEntry(user_id, item_id, reason_id, self.now())
        self.dirty = True


def list_chats(account: Account, chat_types: Collection[str], item_ids: Collection[int],
               unread_only: bool, offset: int, limit: int) -> tuple[list[Chat], bool]:
    """One page of matching chats, most recently updated first, and whether more follow."""
    matching = (
        c for c in reversed(account.chats.values())
        if c.type in chat_types
        and (not item_ids or (c.item is not None and c.item.id in item_ids))
        and (not unread_only or c.is_unread())
    )
    page = list(islice(matching, offset, offset + limit + 1))
    return page[:limit], len(page) > limit


def newest_first(messages: list[Message], offset: int, limit: int) -> list[Message]:
    """A page of the history, newest first, without copying the rest of it."""
    end = len(messages) - offset
    return messages[max(0, end - limit):end][::-1] if end > 0 else []


def chat_item(account: Account, chat_type: str, item_id: int | None) -> Item | None:
    """The listing a new chat is about: `item_id`, else the first active one."""
    if chat_type == "u2u":
        return None
    if item_id is None:
        item = next((i for i in account.items.values() if i.status == "active"), None)
        if item is None:
            raise NotFound("the account has no active items to open an item chat about")
        return item
    found = account.items.get(item_id)
    if found is None:
        raise NotFound(f"the account has no item {item_id}")
    return found
