"""The saved form of a sandbox (format version 2) and the reader for version 1 files.

Kept: accounts with listings, chats (deleted messages and quotes included), subscriptions,
sent log, blacklist, tariff and wallet; partner apps and refresh tokens; the id generator's
state, the clock offset and the voice URL key. Not kept: access tokens, authorization codes,
uploaded image files, deliveries, faults."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Any

from switchboard.emulators.avito.emulator import Emulator
from switchboard.emulators.avito.model import (
    Account,
    BlacklistEntry,
    Chat,
    Item,
    Message,
    Person,
    SentRecord,
)
from switchboard.emulators.avito.tokens import PartnerApp, RefreshToken

VERSION = 2


@dataclass
class Snapshot:
    accounts: dict[int, Account]
    apps: list[PartnerApp]
    refresh_tokens: list[RefreshToken]
    # The generator continues from it, reseeded with fresh entropy (persistence.StateFile.restore):
    # a snapshot older than the last ids given out must not give them out again.
    rng_state: tuple[Any, ...]
    clock_offset: float
    voice_secret: str | None


def dump(emulator: Emulator) -> dict[str, Any]:
    tokens = emulator.store.tokens
    return {"version": VERSION, "rng": emulator.rng.getstate(),
            "clock_offset": emulator.clock.offset,
            "voice_secret": emulator.media.voice_secret,
            "apps": [asdict(app) for app in tokens.apps.values()],
            "refresh_tokens": [asdict(token) for token in tokens.refresh.values()],
            "accounts": [_dump_account(a) for a in emulator.store.accounts.values()]}


def _dump_account(a: Account) -> dict[str, Any]:
    return {"person": asdict(a.person), "client_id": a.client_id,
            "client_secret": a.client_secret, "email": a.email, "phone": a.phone,
            "messenger_access": a.messenger_access,
            "balance": {"real": a.balance_real, "bonus": a.balance_bonus,
                        "cpa": a.balance_cpa},
            "items": [asdict(i) for i in a.items.values()], "subscriptions": a.subscriptions,
            "sent": [asdict(s) for s in a.sent],
            "blacklist": [asdict(e) for e in a.blacklist.values()],
            "chats": [_dump_chat(c) for c in a.chats.values()]}


def _dump_chat(c: Chat) -> dict[str, Any]:
    # Chats name their item by id: on load it must be the account's own Item object again.
    return {"id": c.id, "type": c.type, "buyer": asdict(c.buyer),
            "item_id": c.item.id if c.item else None, "created": c.created,
            "updated": c.updated, "seq": c.seq, "messages": [asdict(m) for m in c.messages],
            "read_events": c.read_events}


def load(data: Any) -> Snapshot:
    """Raises ValueError, LookupError or TypeError on anything but a well-formed version 1
    or 2 file."""
    version = data.get("version") if isinstance(data, dict) else None
    if version == 1:
        data = _upgrade_v1(data)
    elif version != VERSION:
        raise ValueError(f"unsupported format version {version!r}")
    rng_version, internal, gauss = data["rng"]
    rng_state = (rng_version, tuple(internal), gauss)
    random.Random().setstate(rng_state)  # rejects a mangled state before it is used
    accounts = [_load_account(a) for a in data["accounts"]]
    return Snapshot({a.user_id: a for a in accounts},
                    [PartnerApp(**app) for app in data["apps"]],
                    [RefreshToken(**token) for token in data["refresh_tokens"]],
                    rng_state, float(data["clock_offset"]), data["voice_secret"])


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 had no OAuth apps, tariffs, wallets or blacklists; items and messages lacked
    fields that now have defaults."""
    accounts = [{**a, "messenger_access": True, "balance": {"real": 0.0, "bonus": 0.0},
                 "blacklist": []} for a in data["accounts"]]
    return {**data, "version": VERSION, "apps": [], "refresh_tokens": [],
            "voice_secret": None, "accounts": accounts}


def _load_account(d: dict[str, Any]) -> Account:
    user_id = d["person"]["id"]
    items = {i["id"]: Item(**i) for i in d["items"]}
    chats = [
        Chat(c["id"], c["type"], user_id, Person(**c["buyer"]),
             None if c["item_id"] is None else items[c["item_id"]],
             c["created"], c["updated"], c["seq"],
             messages=[Message(**m) for m in c["messages"]], read_events=list(c["read_events"]))
        for c in d["chats"]
    ]
    # Most recently updated last, the order the chat list walks backwards.
    chats.sort(key=lambda c: (c.updated, c.seq))
    return Account(Person(**d["person"]), d["client_id"], d["client_secret"], d["email"],
                   d["phone"], items=items, chats={c.id: c for c in chats},
                   subscriptions=list(d["subscriptions"]),
                   sent=[SentRecord(**s) for s in d["sent"]],
                   blacklist={e["user_id"]: BlacklistEntry(**e) for e in d["blacklist"]},
                   messenger_access=bool(d["messenger_access"]),
                   balance_real=float(d["balance"]["real"]),
                   balance_bonus=float(d["balance"]["bonus"]),
                   balance_cpa=int(d["balance"].get("cpa", 0)))
