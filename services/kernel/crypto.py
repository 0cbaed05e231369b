"""Secrets at rest (channel credentials, tokens, LLM keys): Fernet, rotatable via MultiFernet."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.kernel.errors import FailedPrecondition

_MISSING_KEY = ("SWITCHBOARD_SECRET_KEY is not set: generate one with "
                "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`")


def secret_keys(keys: str) -> list[str]:
    """The keys of SWITCHBOARD_SECRET_KEY (comma-separated, newest first)."""
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise FailedPrecondition(_MISSING_KEY)
    return parts


def derived_keys(keys: str, purpose: str) -> list[bytes]:
    """One 256-bit key per secret key (newest first), for one purpose only (HKDF-SHA256 with
    the purpose as its info): a key derived for signing cursors is no Fernet key, and the same
    rotation applies (the newest signs, every listed one verifies)."""
    return [HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
            .derive(key.encode()) for key in secret_keys(keys)]


class SecretBox:
    """Encrypts with the first key, decrypts with any: prepend a new key to rotate."""

    def __init__(self, keys: str) -> None:
        self._fernet = MultiFernet([Fernet(k.encode()) for k in secret_keys(keys)])

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except InvalidToken as exc:
            raise FailedPrecondition("a stored secret cannot be decrypted with the configured keys") from exc

    def rotate(self, ciphertext: bytes) -> bytes:
        return self._fernet.rotate(ciphertext)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()
