"""Everything one emulator instance holds, and the actions that touch both state and webhooks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from switchboard.emulators.avito.content import image_content, incoming_content
from switchboard.emulators.avito.delivery import WebhookDispatcher
from switchboard.emulators.avito.faults import Faults
from switchboard.emulators.avito.ids import IdFactory
from switchboard.emulators.avito.media import Media, StoredImage
from switchboard.emulators.avito.model import Account, Chat, Clock, Conflict, Message, NotFound
from switchboard.emulators.avito.ratelimit import RateLimiter
from switchboard.emulators.avito.schemas import IncomingSpec
from switchboard.emulators.avito.settings import AvitoEmulatorSettings
from switchboard.emulators.avito.state import Store, chat_item
from switchboard.emulators.avito.tokens import Lifetimes

SYSTEM_AUTHOR_ID = 0  # Avito's chatbots post as user 0


class Blacklisted(Conflict):
    """The account blocked this buyer; Avito does not let their messages through."""


@dataclass
class Incoming:
    chat: Chat
    message: Message
    delivery_ids: list[str]


class Emulator:
    def __init__(self, settings: AvitoEmulatorSettings) -> None:
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.clock = Clock(settings.time_source)
        self.ids = IdFactory(self.rng)
        lifetimes = Lifetimes(settings.token_ttl_s, settings.refresh_token_ttl_s,
                              settings.auth_code_ttl_s)
        self.store = Store(self.ids, self.clock, lifetimes)
        self.media = Media(self.ids, self.ids.secret(32))
        self.limiter = RateLimiter(self.clock)
        self.faults = Faults()
        self.dispatcher = WebhookDispatcher(settings, self.clock, self.ids, self.faults, self.rng)
        # The avito.ru user the emulated browser is logged in as, for the consent page.
        self.session_user: int | None = None
        for spec in settings.accounts:
            self.store.create_account(spec)

    def receive(self, account: Account, spec: IncomingSpec,
                base_url: str | None = None) -> Incoming:
        """A buyer writes to the account; subscribers get the webhook. `base_url` (the
        emulator as the caller reaches it) is needed by item cards only."""
        chat = self._existing_chat(account, spec)
        system = spec.type == "system"
        buyer_id = chat.buyer.id if chat else spec.author_id
        if buyer_id in account.blacklist and not system:
            raise Blacklisted(f"user {buyer_id} is in the account's blacklist")
        if spec.quote_id is not None and (chat is None or spec.quote_id not in chat.by_id):
            raise NotFound(f"no message {spec.quote_id} to quote in this chat")
        if chat is None:
            chat_type = _chat_type(spec, account)
            chat = self.store.new_chat(account, spec.chat_id, chat_type,
                                       chat_item(account, chat_type, spec.item_id),
                                       (spec.author_id, spec.author_name))
        content = incoming_content(spec, account, chat, self.ids.voice, base_url)
        author = SYSTEM_AUTHOR_ID if system else chat.buyer.id
        assert spec.type is not None
        message = self.store.post(account, chat, author, spec.type, content, spec.quote_id)
        return Incoming(chat, message, self.deliver(account, chat, message))

    def _existing_chat(self, account: Account, spec: IncomingSpec) -> Chat | None:
        """The given chat, or the buyer's earlier chat of this kind about the same listing."""
        if spec.chat_id is not None:
            return account.chats.get(spec.chat_id)
        if spec.author_id is None:
            return None
        chat_type = _chat_type(spec, account)
        item = chat_item(account, chat_type, spec.item_id)
        return account.buyer_chats.get((spec.author_id, chat_type, item.id if item else None))

    def deliver(self, account: Account, chat: Chat, message: Message) -> list[str]:
        # Without the Messenger API in its tariff the account gets no webhooks either.
        if not account.messenger_access:
            return []
        return self.dispatcher.dispatch(account, chat, message)

    def send_text(self, account: Account, chat: Chat, text: str) -> Message:
        """The account answers through the API; Avito echoes its own sends as webhooks."""
        message = self.store.send_text(account, chat, text)
        self.deliver(account, chat, message)
        return message

    def send_image(self, account: Account, chat: Chat, image: StoredImage) -> Message:
        message = self.store.post(account, chat, account.user_id, "image",
                                  image_content(image.sizes))
        self.deliver(account, chat, message)
        return message

    def delete_message(self, account: Account, chat: Chat, message_id: str) -> None:
        """The message stays in the history as `deleted`, and a webhook says so."""
        message = self.store.delete_message(account, chat, message_id)
        if message is not None:
            self.deliver(account, chat, message)


def _chat_type(spec: IncomingSpec, account: Account) -> str:
    if spec.chat_id and spec.chat_id[:4] in ("u2i-", "u2u-"):
        return spec.chat_id[:3]
    if spec.item_id is not None:
        return "u2i"
    return "u2i" if any(i.status == "active" for i in account.items.values()) else "u2u"


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def public_base(request: Request) -> str:
    """The emulator as this caller reaches it (`settings.public_url` overrides): the base of
    the picture, image and voice URLs it hands out."""
    return (emulator_of(request).settings.public_url or str(request.base_url)).rstrip("/")


EmulatorDep = Annotated[Emulator, Depends(emulator_of)]
PublicBase = Annotated[str, Depends(public_base)]
