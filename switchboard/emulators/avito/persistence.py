"""The sandbox on disk, so it survives restarts: accounts with their chats, subscriptions
and sent log, plus the id generator's state. Tokens, deliveries and faults are not kept."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from switchboard.emulators.avito.emulator import Emulator
from switchboard.emulators.avito.state import Account, Chat, Item, Message, Person, SentRecord

VERSION = 1
SAVE_INTERVAL_S = 5.0
log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    accounts: dict[int, Account]
    # Continuing the generator keeps a seeded emulator from re-issuing ids it already gave out.
    rng_state: tuple[Any, ...]
    clock_offset: float


def dump(emulator: Emulator) -> dict[str, Any]:
    return {"version": VERSION, "rng": emulator.rng.getstate(),
            "clock_offset": emulator.clock.offset,
            "accounts": [_dump_account(a) for a in emulator.store.accounts.values()]}


def _dump_account(a: Account) -> dict[str, Any]:
    return {"person": asdict(a.person), "client_id": a.client_id,
            "client_secret": a.client_secret, "email": a.email, "phone": a.phone,
            "items": [asdict(i) for i in a.items], "subscriptions": a.subscriptions,
            "sent": [asdict(s) for s in a.sent],
            "chats": [_dump_chat(c) for c in a.chats.values()]}


def _dump_chat(c: Chat) -> dict[str, Any]:
    # Chats name their item by id: on load it must be the account's own Item object again.
    return {"id": c.id, "type": c.type, "buyer": asdict(c.buyer),
            "item_id": c.item.id if c.item else None, "created": c.created,
            "updated": c.updated, "seq": c.seq, "messages": [asdict(m) for m in c.messages],
            "read_events": c.read_events}


def load(data: Any) -> Snapshot:
    """Raises ValueError, LookupError or TypeError on anything but a well-formed version 1."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"unsupported format version {_version(data)!r}")
    version, internal, gauss = data["rng"]
    rng_state = (version, tuple(internal), gauss)
    random.Random().setstate(rng_state)  # rejects a mangled state before it is used
    accounts = [_load_account(a) for a in data["accounts"]]
    return Snapshot({a.user_id: a for a in accounts}, rng_state, float(data["clock_offset"]))


def _version(data: Any) -> Any:
    return data.get("version") if isinstance(data, dict) else None


def _load_account(d: dict[str, Any]) -> Account:
    items = {i["id"]: Item(**i) for i in d["items"]}
    chats = [
        Chat(c["id"], c["type"], Person(**c["buyer"]),
             None if c["item_id"] is None else items[c["item_id"]],
             c["created"], c["updated"], c["seq"],
             messages=[Message(**m) for m in c["messages"]], read_events=list(c["read_events"]))
        for c in d["chats"]
    ]
    return Account(Person(**d["person"]), d["client_id"], d["client_secret"], d["email"],
                   d["phone"], list(items.values()), chats={c.id: c for c in chats},
                   subscriptions=list(d["subscriptions"]),
                   sent=[SentRecord(**s) for s in d["sent"]])


class StateFile:
    """Restores the emulator at startup; saves it when it changed, periodically and at shutdown."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._unreadable = False  # set aside as `<name>.corrupt` before the first save

    def restore(self, emulator: Emulator) -> None:
        try:
            snapshot = load(json.loads(self.path.read_bytes()))
        except FileNotFoundError:
            return
        except (OSError, ValueError, LookupError, TypeError) as exc:
            log.warning("avito emulator: cannot restore %s (%s: %s); starting empty",
                        self.path, type(exc).__name__, exc)
            self._unreadable = True
            return
        emulator.store.restore(snapshot.accounts)
        emulator.rng.setstate(snapshot.rng_state)
        emulator.clock.offset = snapshot.clock_offset

    def save(self, emulator: Emulator) -> None:
        """Atomic: a reader (or a kill -9) sees the old file or the new one, never half."""
        body = json.dumps(dump(emulator), ensure_ascii=False, separators=(",", ":"))
        if self._unreadable:
            with contextlib.suppress(FileNotFoundError):
                self.path.replace(self.path.with_name(self.path.name + ".corrupt"))
            self._unreadable = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, self.path)
        emulator.store.dirty = False

    def save_if_dirty(self, emulator: Emulator) -> None:
        if not emulator.store.dirty:
            return
        try:
            self.save(emulator)
        except OSError:
            log.exception("avito emulator: cannot save %s", self.path)

    async def autosave(self, emulator: Emulator, interval_s: float) -> None:
        """Runs until cancelled, so a crash loses at most `interval_s` of changes."""
        while True:
            await asyncio.sleep(interval_s)
            self.save_if_dirty(emulator)
