"""The sandbox on disk, so it survives restarts; what is kept is listed in snapshot.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
from pathlib import Path

from switchboard.emulators.telegram.emulator import Emulator
from switchboard.emulators.telegram.ids import MESSAGE_ID_GAP, UPDATE_ID_GAP
from switchboard.emulators.telegram.model import PRIVATE
from switchboard.emulators.telegram.snapshot import dump, load

SAVE_INTERVAL_S = 5.0
log = logging.getLogger(__name__)


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
            log.warning("telegram emulator: cannot restore %s (%s: %s); starting empty",
                        self.path, type(exc).__name__, exc)
            self._unreadable = True
            return
        world = emulator.world
        world.users = {u.id: u for u in snapshot.users}
        world.bots = {b.id: b for b in snapshot.bots}
        world.groups = {c.id: c for c in snapshot.chats if c.type != PRIVATE}
        world.private = {(c.bot_id or 0, c.id): c for c in snapshot.chats if c.type == PRIVATE}
        world.files = {f.file_id: f for f in snapshot.files}
        world.sent_seq = snapshot.sent_seq
        # The file may be older than the last ids given out (saved every few seconds, and a
        # kill -9 comes in between): counters jump ahead, the generator gets fresh entropy.
        for bot in world.bots.values():
            bot.next_update_id += UPDATE_ID_GAP
        for chat in (*world.groups.values(), *world.private.values()):
            chat.next_message_id += MESSAGE_ID_GAP
        emulator.rng.setstate(snapshot.rng_state)
        emulator.rng.seed(emulator.rng.getrandbits(128) ^ secrets.randbits(128))
        emulator.clock.offset = snapshot.clock_offset
        world.dirty = emulator.updates.dirty = False

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
        emulator.world.dirty = emulator.updates.dirty = False

    def save_if_dirty(self, emulator: Emulator) -> None:
        if not (emulator.world.dirty or emulator.updates.dirty):
            return
        try:
            self.save(emulator)
        except OSError:
            log.exception("telegram emulator: cannot save %s", self.path)

    async def autosave(self, emulator: Emulator, interval_s: float = SAVE_INTERVAL_S) -> None:
        """Runs until cancelled, so a crash loses at most `interval_s` of changes."""
        while True:
            await asyncio.sleep(interval_s)
            self.save_if_dirty(emulator)
