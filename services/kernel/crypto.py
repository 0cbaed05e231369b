"""Secrets at rest (channel credentials, tokens, LLM keys): Fernet, rotatable via MultiFernet."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from services.kernel.errors import FailedPrecondition


class SecretBox:
    """Encrypts with the first key, decrypts with any: prepend a new key to rotate."""

    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise FailedPrecondition(
                "SWITCHBOARD_SECRET_KEY is not set: generate one with "
                "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])

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
