"""Keyset cursors are opaque and tamper-evident: a cursor the service did not sign — made up,
edited, cut, or signed with another deployment's key — is InvalidArgument "malformed cursor"
before any of its values is read; the keys rotate as SWITCHBOARD_SECRET_KEY does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

import pytest

from services.kernel.crypto import SecretBox
from services.kernel.errors import FailedPrecondition, InvalidArgument
from services.kernel.repository import Cursors, cursor_id, cursor_time

OLD, NEW = SecretBox.generate_key(), SecretBox.generate_key()
ID = str(uuid.uuid4())
VALUES = {"t": "2024-01-01T03:00:00+03:00", "id": ID}
MALFORMED = r"^malformed cursor$"


def unsigned(values: dict[str, Any]) -> str:
    """What a cursor was before signing: the values, base64url (what a client can make up)."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode(cursors: Cursors, cursor: str) -> dict[str, Any]:
    return cursors.decode(cursor, t=cursor_time, id=cursor_id)


def test_a_cursor_of_ours_decodes_to_its_typed_values() -> None:
    cursors = Cursors.from_secret(NEW)
    values = decode(cursors, cursors.encode(VALUES))
    assert values["id"] == uuid.UUID(ID) and values["t"].isoformat() == "2024-01-01T00:00:00+00:00"


@pytest.mark.parametrize("cursor", [
    unsigned(VALUES),  # the right shape and values, but made up: was accepted and read
    unsigned(VALUES) + ".",  # an empty signature
    unsigned(VALUES) + "." + "A" * 43,  # a signature of the right length
    "", ".", "eyJ4IjoxfQ", "x" * 5000, "ы.ы", "\ud800.\udfff",
], ids=["unsigned", "empty-tag", "wrong-tag", "empty", "dot", "x1", "long", "cyrillic", "surrogates"])
def test_a_cursor_we_did_not_sign_is_malformed(cursor: str) -> None:
    with pytest.raises(InvalidArgument, match=MALFORMED):
        decode(Cursors.from_secret(NEW), cursor)


def test_an_edited_cursor_is_malformed() -> None:
    cursors = Cursors.from_secret(NEW)
    signed = cursors.encode(VALUES)
    payload, tag = signed.split(".")
    later = unsigned({**VALUES, "t": "2030-01-01T00:00:00+00:00"})  # another position, same tag
    for edited in (f"{later}.{tag}", f"{payload[:-1]}.{tag}", f"{payload}.{tag[:-1]}",
                   f"{payload}x.{tag}", signed + "A", signed.swapcase()):
        with pytest.raises(InvalidArgument, match=MALFORMED):
            decode(cursors, edited)


def test_another_deployments_cursor_is_malformed() -> None:
    with pytest.raises(InvalidArgument, match=MALFORMED):
        decode(Cursors.from_secret(NEW), Cursors.from_secret(OLD).encode(VALUES))


def test_keys_rotate_as_the_secret_key_does() -> None:
    """The newest key signs, every listed key verifies: cursors handed out before a rotation
    keep working until the old key is dropped from SWITCHBOARD_SECRET_KEY."""
    before = Cursors.from_secret(OLD).encode(VALUES)
    rotated = Cursors.from_secret(f"{NEW},{OLD}")
    assert decode(rotated, before)["id"] == uuid.UUID(ID)
    after = rotated.encode(VALUES)
    assert decode(Cursors.from_secret(NEW), after)["id"] == uuid.UUID(ID)
    with pytest.raises(InvalidArgument):
        decode(Cursors.from_secret(OLD), after)


def test_the_key_is_derived_for_cursors_only() -> None:
    """The signing key is no Fernet key: a cursor's tag is not an HMAC with the secret key."""
    payload = Cursors.from_secret(NEW).encode(VALUES).split(".")[0]
    raw = base64.urlsafe_b64encode(hmac.new(NEW.encode(), payload.encode(),
                                            hashlib.sha256).digest()).decode().rstrip("=")
    with pytest.raises(InvalidArgument):
        decode(Cursors.from_secret(NEW), f"{payload}.{raw}")


def test_no_secret_key_no_cursors() -> None:
    with pytest.raises(FailedPrecondition, match="SWITCHBOARD_SECRET_KEY"):
        Cursors.from_secret("")
