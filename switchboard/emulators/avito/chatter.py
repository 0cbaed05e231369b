"""Sandbox buyers: every so often someone asks one of the accounts about a listing."""

from __future__ import annotations

import asyncio
import random

from switchboard.emulators.avito.emulator import Emulator, Incoming
from switchboard.emulators.avito.schemas import IncomingSpec
from switchboard.emulators.avito.state import Item

_ITEM_PHRASES = (
    "Здравствуйте! {title} ещё продаётся?",
    "Добрый день, торг за {title} уместен?",
    "Подскажите, в каком состоянии {title}?",
    "Цена {price} окончательная?",
    "А можно ещё фото {title}?",
)
_PHRASES = (
    "Можно забрать сегодня вечером?",
    "Отправите Авито Доставкой?",
    "Где можно посмотреть?",
    "Хорошо, спасибо, подумаю.",
)


async def run_chatter(emulator: Emulator, interval_s: float) -> None:
    """Runs until cancelled; the jitter keeps buyers from writing in lockstep."""
    while True:
        await asyncio.sleep(interval_s * emulator.rng.uniform(0.5, 1.5))
        chat_once(emulator)


def chat_once(emulator: Emulator) -> Incoming | None:
    """One buyer message to a random account: half the time in an existing chat."""
    rng = emulator.rng
    accounts = list(emulator.store.accounts.values())
    if not accounts:
        return None
    account = rng.choice(accounts)
    chats = list(account.chats.values())
    if chats and rng.random() < 0.5:
        chat = rng.choice(chats)
        spec = IncomingSpec(chat_id=chat.id, text=_phrase(rng, chat.item))
    else:
        item = rng.choice(account.items) if account.items else None
        spec = IncomingSpec(item_id=item.id if item else None, text=_phrase(rng, item))
    return emulator.receive(account, spec)


def _phrase(rng: random.Random, item: Item | None) -> str:
    if item is None or rng.random() < 0.3:
        return rng.choice(_PHRASES)
    return rng.choice(_ITEM_PHRASES).format(title=item.title, price=item.price_string)
