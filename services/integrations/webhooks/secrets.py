"""An endpoint's signing secrets: made, shown once, stored encrypted; after a rotation the
previous one stays in force until it expires (both sign meanwhile)."""

from __future__ import annotations

import secrets
from datetime import datetime

from services.integrations.models import Endpoint
from services.kernel.crypto import SecretBox
from services.kernel.errors import InvalidArgument

PREFIX = "whsec_"
MIN_LENGTH, MAX_LENGTH = 24, 200


def new_secret(given: str = "") -> str:
    """The caller's secret when it is one (24 to 200 characters), else a generated one."""
    if not given:
        return PREFIX + secrets.token_urlsafe(32)
    if not MIN_LENGTH <= len(given) <= MAX_LENGTH or any(c.isspace() for c in given):
        raise InvalidArgument(f"secret must be {MIN_LENGTH} to {MAX_LENGTH} characters "
                              "without spaces (or empty: one is generated)")
    return given


def in_force(endpoint: Endpoint, box: SecretBox, now: datetime) -> list[str]:
    """The secrets that sign a delivery now, newest first."""
    found = [box.decrypt(endpoint.secret_enc)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_enc is not None and expires is not None and expires > now:
        found.append(box.decrypt(endpoint.previous_secret_enc))
    return found
