"""API keys (`sb_<key_id>_<secret>`) and session tokens (their scopes: scopes.py).

Both secrets are 32 random bytes, so a single SHA-256 is enough to store them: there is nothing
to brute-force. Argon2 is for passwords, which are low-entropy.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import NamedTuple

from services.kernel.errors import Unauthenticated

KEY_PREFIX = "sb"
KEY_ID_LENGTH = 12
SECRET_BYTES = 32
_KEY_ID_ALPHABET = frozenset("0123456789abcdef")
# token_urlsafe(32) is 43 characters of [A-Za-z0-9_-]; the key id never holds "_".
_SECRET_LENGTH = 43


class NewApiKey(NamedTuple):
    plaintext: str
    key_id: str
    secret_sha256: str


def generate_api_key() -> NewApiKey:
    key_id = secrets.token_hex(KEY_ID_LENGTH // 2)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return NewApiKey(f"{KEY_PREFIX}_{key_id}_{secret}", key_id, sha256_hex(secret))


def parse_api_key(raw: str) -> tuple[str, str]:
    """Split a presented key into (key_id, secret); anything malformed is Unauthenticated."""
    prefix, sep, rest = raw.partition("_")
    key_id, sep2, secret = rest.partition("_")
    if (prefix != KEY_PREFIX or not sep or not sep2 or len(key_id) != KEY_ID_LENGTH
            or not _KEY_ID_ALPHABET.issuperset(key_id) or len(secret) != _SECRET_LENGTH):
        raise Unauthenticated("malformed API key")
    return key_id, secret


def display_prefix(key_id: str) -> str:
    """What lists show so a key can be recognised: `sb_<key_id>`, never the secret."""
    return f"{KEY_PREFIX}_{key_id}"


def generate_session_token() -> tuple[str, str]:
    """(token for the cookie, sha256 to store)."""
    token = secrets.token_urlsafe(SECRET_BYTES)
    return token, sha256_hex(token)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def secret_matches(secret: str, expected_sha256: str) -> bool:
    return hmac.compare_digest(sha256_hex(secret), expected_sha256)
