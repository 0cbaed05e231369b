"""Everything one emulator instance holds, and the actions that touch both state and webhooks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from switchboard.emulators.avito.delivery import WebhookDispatcher
from switchboard.emulators.avito.faults import Faults
from switchboard.emulators.avito.ids import IdFactory
from switchboard.emulators.avito.ratelimit import RateLimiter
from switchboard.emulators.avito.schemas import IncomingSpec
from switchboard.emulators.avito.settings import AvitoEmulatorSettings
from switchboard.emulators.avito.state import Account, Chat, Clock, Message, Store, image_content


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
        self.store = Store(self.ids, self.clock, settings.token_ttl_s)
        self.limiter = RateLimiter(self.clock)
        self.faults = Faults()
        self.dispatcher = WebhookDispatcher(settings, self.clock, self.ids, self.faults, self.rng)
        for spec in settings.accounts:
            self.store.create_account(spec)

    def receive(self, account: Account, spec: IncomingSpec) -> Incoming:
        """A buyer writes to the account; subscribers get the webhook."""
        chat = self.store.open_chat(account, spec)
        if spec.text is not None:
            message = self.store.post(chat, chat.buyer.id, "text", {"text": spec.text})
        else:
            assert spec.image is not None
            message = self.store.post(chat, chat.buyer.id, "image", image_content(spec.image))
        return Incoming(chat, message, self.dispatcher.dispatch(account, chat, message))

    def send_text(self, account: Account, chat: Chat, text: str) -> Message:
        """The account answers through the API; Avito echoes its own sends as webhooks."""
        message = self.store.send_text(account, chat, text)
        self.dispatcher.dispatch(account, chat, message)
        return message


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


EmulatorDep = Annotated[Emulator, Depends(emulator_of)]
