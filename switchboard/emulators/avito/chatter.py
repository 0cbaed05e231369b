"""Sandbox buyers: every so often someone asks one of the accounts about a listing, by title
and price, sometimes in a burst of messages, sometimes coming back to an earlier chat."""

from __future__ import annotations

import asyncio
import contextlib
import random
from itertools import islice

from switchboard.emulators.avito.emulator import Blacklisted, Emulator, Incoming
from switchboard.emulators.avito.model import Account, Item, price_string
from switchboard.emulators.avito.schemas import IncomingSpec

_OPENERS = (
    "Здравствуйте! «{title}» за {price} ещё продаётся?",
    "Добрый день! «{title}» ещё актуально? Цена {price} окончательная?",
    "Здравствуйте, «{title}» за {price} — торг уместен?",
    "Привет! Интересует «{title}». За {price} отдадите?",
    "Добрый вечер. «{title}» ещё в наличии? Могу подъехать сегодня, {price} устраивает.",
)
_OPENERS_NO_PRICE = (
    "Здравствуйте! «{title}» ещё продаётся?",
    "Добрый день, «{title}» актуально? Сколько стоит?",
)
_PROFILE_OPENERS = (
    "Здравствуйте! Вы ещё что-нибудь продаёте?",
    "Добрый день, вы отправляете Авито Доставкой?",
)
_FOLLOW_UPS = (
    "Можно торг?",
    "Отправите Авито Доставкой?",
    "Где можно посмотреть?",
    "А можно ещё фото?",
    "Какое состояние, есть дефекты?",
    "Можно забрать сегодня вечером?",
    "Актуально ещё?",
    "Ау, вы тут?",
    "Хорошо, спасибо, подумаю.",
    "Могу внести предоплату.",
)
_OFFERS = ("Отдадите за {offer}?", "За {offer} заберу прямо сейчас.")
_RECENT_CHATS = 20  # buyers come back to chats that are still fresh
_ITEM_SAMPLE = 50
_MEMORY = 10  # a buyer does not repeat what they wrote in the last messages


class Chatter:
    """The buyers' one background task, which the control plane starts, changes and stops at
    run time (`PUT /_emulator/chatter`): the dev stack lets them write only once the gateway
    listens, so no webhook of theirs meets a closed port."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator
        self._task: asyncio.Task[None] | None = None
        self.interval_s: float | None = None

    async def set(self, interval_s: float | None) -> None:
        """Write every `interval_s` on average from now on; None: stop writing."""
        await self.stop()
        if interval_s:
            self.interval_s = interval_s
            self._task = asyncio.create_task(run_chatter(self._emulator, interval_s))

    async def stop(self) -> None:
        task, self._task, self.interval_s = self._task, None, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def run_chatter(emulator: Emulator, interval_s: float) -> None:
    """Runs until cancelled; the jitter keeps buyers from writing in lockstep."""
    while True:
        await asyncio.sleep(interval_s * emulator.rng.uniform(0.5, 1.5))
        chat_once(emulator)


def chat_once(emulator: Emulator) -> list[Incoming]:
    """One buyer writes one to three messages to a random account: half the time in one of
    its recent chats, otherwise opening a chat about one of its active listings."""
    rng = emulator.rng
    if not emulator.store.accounts:
        return []
    account = rng.choice(list(emulator.store.accounts.values()))
    recent = list(islice(reversed(account.chats.values()), _RECENT_CHATS))
    if recent and rng.random() < 0.5:
        chat = rng.choice(recent)
        base = IncomingSpec(chat_id=chat.id, text="-")
        said = {m.content.get("text") for m in chat.messages[-_MEMORY:]}
        lines = _follow_ups(rng, chat.item, rng.randint(1, 2), said)
    else:
        item = _some_active_item(rng, account)
        base = IncomingSpec(item_id=item.id if item else None, text="-")
        lines = [_opener(rng, item), *_follow_ups(rng, item, rng.choice((0, 0, 1, 2)), set())]
    return _burst(emulator, account, base, lines)


def _burst(emulator: Emulator, account: Account, base: IncomingSpec,
           lines: list[str]) -> list[Incoming]:
    written: list[Incoming] = []
    spec = base
    for line in lines:
        try:
            written.append(emulator.receive(account, spec.model_copy(update={"text": line})))
        except Blacklisted:
            break  # the account blocked this buyer; they cannot write any more
        spec = IncomingSpec(chat_id=written[-1].chat.id, text="-")
    return written


def _some_active_item(rng: random.Random, account: Account) -> Item | None:
    sample = list(islice((i for i in account.items.values() if i.status == "active"),
                         _ITEM_SAMPLE))
    return rng.choice(sample) if sample else None


def _opener(rng: random.Random, item: Item | None) -> str:
    if item is None:
        return rng.choice(_PROFILE_OPENERS)
    phrases = _OPENERS if item.price is not None else _OPENERS_NO_PRICE
    return rng.choice(phrases).format(title=item.title, price=item.price_string)


def _follow_ups(rng: random.Random, item: Item | None, count: int,
                said: set[str | None]) -> list[str]:
    """Questions the buyer has not asked lately, sometimes ending with a lower offer."""
    fresh = [line for line in _FOLLOW_UPS if line not in said] or list(_FOLLOW_UPS)
    lines = rng.sample(fresh, min(count, len(fresh)))
    if lines and item is not None and item.price and rng.random() < 0.3:
        # A haggler offers ~15% less, rounded to hundreds, like real buyers do.
        offer = price_string(max(100, int(round(item.price * 0.85, -2))))
        offers = [o.format(offer=offer) for o in _OFFERS]
        if not said.intersection(offers):
            lines[-1] = rng.choice(offers)
    return lines
