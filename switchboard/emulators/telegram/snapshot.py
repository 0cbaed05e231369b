"""The saved form of a sandbox (format version 1).

Kept: users, bots (token, webhook, allowed updates, private chats, pending updates, commands,
sent, deleted and callback logs), groups and private chats with members, topics and messages,
files with their bytes; the id generator's state and the clock offset. Not kept: faults, the
flood limits' windows, webhook delivery logs."""

from __future__ import annotations

import base64
import random
from dataclasses import asdict, dataclass
from typing import Any

from switchboard.emulators.telegram.emulator import Emulator
from switchboard.emulators.telegram.model import (
    Bot,
    Callback,
    Chat,
    DeletedRecord,
    File,
    Member,
    Message,
    SentRecord,
    Topic,
    Update,
    User,
    Webhook,
)

VERSION = 1


@dataclass
class Snapshot:
    users: list[User]
    bots: list[Bot]
    chats: list[Chat]  # groups and private chats
    files: list[File]
    sent_seq: int
    # The generator continues from it, reseeded with fresh entropy (persistence.StateFile):
    # a snapshot older than the last ids given out must not give them out again.
    rng_state: tuple[Any, ...]
    clock_offset: float


def dump(emulator: Emulator) -> dict[str, Any]:
    world = emulator.world
    return {"version": VERSION, "rng": emulator.rng.getstate(),
            "clock_offset": emulator.clock.offset, "sent_seq": world.sent_seq,
            "users": [asdict(u) for u in world.users.values()],
            "bots": [_dump_bot(b) for b in world.bots.values()],
            "chats": [_dump_chat(c) for c in (*world.groups.values(), *world.private.values())],
            "files": [{**asdict(f), "data": base64.b64encode(f.data).decode()}
                      for f in world.files.values()]}


def _dump_bot(bot: Bot) -> dict[str, Any]:
    body = asdict(bot)
    body["private"] = [[user_id, status] for user_id, status in bot.private.items()]
    body["callbacks"] = list(body["callbacks"].values())
    return body


def _dump_chat(chat: Chat) -> dict[str, Any]:
    body = asdict(chat)
    for name in ("members", "topics", "messages"):
        body[name] = list(body[name].values())
    return body


def load(data: Any) -> Snapshot:
    """Raises ValueError, LookupError or TypeError on anything but a well-formed file."""
    version = data.get("version") if isinstance(data, dict) else None
    if version != VERSION:
        raise ValueError(f"unsupported format version {version!r}")
    rng_version, internal, gauss = data["rng"]
    rng_state = (rng_version, tuple(internal), gauss)
    random.Random().setstate(rng_state)  # rejects a mangled state before it is used
    files = [File(**{**f, "data": base64.b64decode(f["data"])}) for f in data["files"]]
    return Snapshot([User(**u) for u in data["users"]], [_load_bot(b) for b in data["bots"]],
                    [_load_chat(c) for c in data["chats"]], files, int(data["sent_seq"]),
                    rng_state, float(data["clock_offset"]))


def _load_bot(d: dict[str, Any]) -> Bot:
    hook = d["webhook"]
    return Bot(**{**d, "webhook": Webhook(**hook) if hook else None,
                  "private": {int(user_id): status for user_id, status in d["private"]},
                  "pending": [Update(**u) for u in d["pending"]],
                  "sent": [SentRecord(**s) for s in d["sent"]],
                  "deleted": [DeletedRecord(**r) for r in d["deleted"]],
                  "callbacks": {c["id"]: Callback(**c) for c in d["callbacks"]}})


def _load_chat(d: dict[str, Any]) -> Chat:
    return Chat(**{**d, "members": {m["user_id"]: Member(**m) for m in d["members"]},
                   "topics": {t["message_thread_id"]: Topic(**t) for t in d["topics"]},
                   "messages": {m["message_id"]: Message(**m) for m in d["messages"]}})
