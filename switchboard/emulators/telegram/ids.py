"""Identifiers in the forms Telegram uses, so clients meet realistic values in tests."""

from __future__ import annotations

import hashlib
import random
import string

_TOKEN_ALPHABET = string.ascii_letters + string.digits + "_-"
_FIRST_NAMES = ("Иван", "Мария", "Алексей", "Ольга", "Дмитрий", "Анна", "Сергей", "Екатерина")
# file_id prefixes Telegram's ids start with, by kind (they encode the file type).
_FILE_PREFIX = {"photo": "AgACAgIAAxkBAAI", "voice": "AwACAgIAAxkBAAI",
                "document": "BQACAgIAAxkBAAI"}
# Update ids start somewhere at random and then count up, as Telegram's do.
UPDATE_ID_START = (100_000_000, 900_000_000)
# Restored from a state file, counters skip this far ahead: the file may be older than the
# last ids given out (saved every few seconds), and a receiver deduplicating by id would drop
# new updates or messages that reused them.
UPDATE_ID_GAP = 100_000
MESSAGE_ID_GAP = 10_000


class IdFactory:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def _chars(self, alphabet: str, n: int) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def user(self) -> int:
        return self._rng.randrange(100_000_000, 8_000_000_000)

    def bot(self) -> int:
        return self._rng.randrange(7_000_000_000, 8_500_000_000)

    def token_secret(self) -> str:
        """The part after the colon: `AAH...`, 35 URL-safe characters."""
        return "AA" + self._chars(_TOKEN_ALPHABET, 33)

    def group(self) -> int:
        return -self._rng.randrange(100_000_000, 1_000_000_000)

    def supergroup(self) -> int:
        """`-100` followed by ten digits."""
        return -(1_000_000_000_000 + self._rng.randrange(1_000_000_000, 10_000_000_000))

    def first_update_id(self) -> int:
        return self._rng.randrange(*UPDATE_ID_START)

    def callback_query(self) -> str:
        return str(self._rng.getrandbits(63))

    def file_id(self, kind: str) -> str:
        return _FILE_PREFIX[kind] + self._chars(_TOKEN_ALPHABET, 56)

    def file_unique_id(self) -> str:
        return "AQAD" + self._chars(_TOKEN_ALPHABET, 12)

    def person_name(self) -> str:
        return self._rng.choice(_FIRST_NAMES)

    def username_suffix(self) -> str:
        return self._chars(string.ascii_lowercase + string.digits, 6)


def chat_instance(bot_id: int, chat_id: int) -> str:
    """Stable per bot and chat, as CallbackQuery.chat_instance is (a signed 64-bit number)."""
    digest = hashlib.blake2b(f"{bot_id}:{chat_id}".encode(), digest_size=8).digest()
    return str(int.from_bytes(digest, "big", signed=True))
