"""Input rules for identity: e-mail shape, names, password length."""

from __future__ import annotations

import re

from services.kernel.errors import InvalidArgument
from services.kernel.validation import check_text

# Deliberately loose: one @, no spaces, a dot in the domain. Ownership is what really matters.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 255
MIN_PASSWORD_LENGTH = 8


def clean_email(email: str) -> str:
    value = check_text(email, "email").strip()
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(value):
        raise InvalidArgument("not a valid e-mail address")
    return value


def clean_name(name: str, what: str, *, required: bool = True) -> str:
    value = check_text(name, what).strip()
    if (required and not value) or len(value) > MAX_NAME_LENGTH:
        low = 1 if required else 0
        raise InvalidArgument(f"{what} must be {low} to {MAX_NAME_LENGTH} characters")
    return value


def check_password(password: str, max_length: int) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= max_length:
        raise InvalidArgument(
            f"a password must be {MIN_PASSWORD_LENGTH} to {max_length} characters")
