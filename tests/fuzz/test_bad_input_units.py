"""Bad input, below the edge: what the services themselves refuse, whoever calls them."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import pytest

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.channels.avito.normalize import AccountRef, MalformedWebhook, normalize_webhook
from services.kernel.crypto import SecretBox
from services.kernel.errors import InvalidArgument
from services.kernel.repository import Cursors, cursor_id, cursor_time
from services.kernel.validation import check_message_text, json_text_problem

ACCOUNT = AccountRef(channel_id=str(uuid.uuid4()), user_id="42")
CURSORS = Cursors.from_secret(SecretBox.generate_key())


def cursor(values: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [
    {"x": 1}, {"t": 1, "id": "x"}, {"t": "2024-01-01T00:00:00", "id": str(uuid.uuid4())},
    {"t": "0001-01-01T00:00:00+14:00", "id": str(uuid.uuid4())},
    {"t": "2024-01-01T00:00:00+00:00", "id": 7}, {"t": "2024-01-01T00:00:00+00:00", "id": "x"},
], ids=["other-keys", "wrong-types", "no-offset", "before-year-1", "id-number", "id-text"])
def test_a_cursor_that_is_not_ours_is_invalid_argument(values: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument, match="malformed cursor"):
        CURSORS.decode(cursor(values), t=cursor_time, id=cursor_id)  # unsigned
    with pytest.raises(InvalidArgument, match="malformed cursor"):  # signed: still checked
        CURSORS.decode(CURSORS.encode(values), t=cursor_time, id=cursor_id)


def test_a_cursor_of_ours_decodes() -> None:
    id_ = uuid.uuid4()
    values = CURSORS.decode(CURSORS.encode({"t": "2024-01-01T03:00:00+03:00", "id": str(id_)}),
                            t=cursor_time, id=cursor_id)
    assert values["id"] == id_ and values["t"].isoformat() == "2024-01-01T00:00:00+00:00"


def test_text_that_cannot_be_stored_is_named_by_its_field() -> None:
    check_message_text(pb.UpdateConversationRequest(id="x", labels=["fine", "ок"]))
    with pytest.raises(InvalidArgument, match=r"^labels\[1\] contains a NUL"):
        check_message_text(pb.UpdateConversationRequest(id="x", labels=["fine", "a\x00"]))
    assert json_text_problem({"a": [{"b": "\ud800"}]}) == \
        "a[0].b contains an unpaired surrogate (\\ud800-\\udfff), which is not valid Unicode"
    assert json_text_problem([[[[[["deep"]]]]]] * 3) is None


def avito(**value: Any) -> bytes:
    return json.dumps({"id": "d", "payload": {"type": "message", "value": {
        "id": "m", "chat_id": "c", "user_id": 42, "author_id": 7, "created": int(time.time()),
        "type": "text", "content": {"text": "hi"}, **value}}}).encode()


@pytest.mark.parametrize(("value", "words"), [
    ({"created": 10**15}, "not a time"), ({"created": -(10**15)}, "not a time"),
    ({"content": {"text": "a\x00b"}}, "payload.value.content.text contains a NUL"),
    ({"extra": {"note": "\x00"}}, "payload.value.extra.note contains a NUL"),
], ids=["after-9999", "before-year-1", "nul-in-text", "nul-in-raw"])
def test_an_avito_message_no_database_stores_is_malformed(value: dict[str, Any],
                                                          words: str) -> None:
    """Was a ValueError (times) or a PostgreSQL error (NUL) in conversations: retried until
    dead-lettered, holding its stage's drain back; now dead-lettered at once, by channels."""
    assert normalize_webhook(ACCOUNT, avito()).text == "hi"
    with pytest.raises(MalformedWebhook, match=words):
        normalize_webhook(ACCOUNT, avito(**value))
