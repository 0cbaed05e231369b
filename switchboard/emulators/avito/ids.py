"""Identifiers in the formats real Avito uses, so clients meet realistic values in tests."""

from __future__ import annotations

import random
import string
import uuid

_ALNUM = string.ascii_letters + string.digits
# Real chat ids mix in `~` and `_` after the type prefix.
_CHAT_ALPHABET = _ALNUM + "~_"
_LOWER_ALNUM = string.ascii_lowercase + string.digits
_FIRST_NAMES = (
    "Иван", "Мария", "Алексей", "Ольга", "Дмитрий", "Анна", "Сергей", "Екатерина",
    "Павел", "Наталья", "Андрей", "Татьяна",
)


class IdFactory:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def _chars(self, alphabet: str, n: int) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def chat(self, chat_type: str) -> str:
        """`u2i-Qw3rTy7uIoP~aSdFgH9jKl`: type prefix plus 22 URL-safe characters."""
        return f"{chat_type}-{self._chars(_CHAT_ALPHABET, 22)}"

    def message(self) -> str:
        return f"{self._rng.getrandbits(128):032x}"

    def delivery(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def user(self) -> int:
        return self._rng.randrange(100_000_000, 1_000_000_000)

    def item(self) -> int:
        return self._rng.randrange(4_000_000_000, 5_000_000_000)

    def access_token(self) -> str:
        return self._chars(_ALNUM, 22)

    def client_id(self) -> str:
        return self._chars(_ALNUM, 20)

    def client_secret(self) -> str:
        return self._chars(_ALNUM, 40)

    def secret(self, n: int) -> str:
        """Authorization codes, refresh tokens and signing keys."""
        return self._chars(_ALNUM, n)

    def image(self) -> str:
        """`12345.12345abcdefghijklm`, the spec's image_id format."""
        return f"{self._rng.randrange(10_000, 100_000)}.{self._chars(_LOWER_ALNUM, 18)}"

    def voice(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def profile_hash(self) -> str:
        return f"{self._rng.getrandbits(128):032x}"

    def phone(self) -> str:
        return "79" + self._chars(string.digits, 9)

    def person_name(self) -> str:
        return self._rng.choice(_FIRST_NAMES)
