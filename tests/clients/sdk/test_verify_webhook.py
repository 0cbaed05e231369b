"""The SDK's `verify_webhook`: the signature scheme of outgoing webhooks (HMAC-SHA256 over
"<timestamp>.<body>"), any of several signatures during a secret's rotation, the timestamp
window, and the refusals saying why. No server: signatures are made here as the sender does."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from switchboard_sdk import WebhookVerificationError, verify_webhook

SECRET = "whsec_test-secret-of-some-length"
BODY = b'{"id":"evt_1","type":"message.received","data":{"text":"\xd0\xbf"}}'
NOW = 1_767_000_000


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def headers(signature: str, timestamp: int = NOW) -> dict[str, str]:
    return {"X-Switchboard-Timestamp": str(timestamp), "X-Switchboard-Signature": signature}


def test_a_signed_delivery_gives_its_event() -> None:
    event = verify_webhook(BODY, headers(sign(BODY, NOW)), SECRET, now=NOW + 10)
    assert event == {"id": "evt_1", "type": "message.received", "data": {"text": "п"}}


def test_header_names_in_any_case_and_either_of_two_signatures() -> None:
    both = f"{sign(BODY, NOW, 'whsec_old-secret-still-valid')}, {sign(BODY, NOW)}"
    lowered = {k.lower(): v for k, v in headers(both).items()}
    assert verify_webhook(BODY, lowered, SECRET, now=NOW)["id"] == "evt_1"
    assert verify_webhook(BODY, lowered, "whsec_old-secret-still-valid", now=NOW)["id"] == "evt_1"


@pytest.mark.parametrize(("case", "words"), [
    ("wrong secret", "no signature"),
    ("changed body", "no signature"),
    ("other timestamp", "no signature"),
    ("no scheme", "no signature"),
    ("too old", "beyond 300"),
    ("from the future", "beyond 300"),
    ("no timestamp", "no X-Switchboard-Timestamp"),
    ("no signature", "no X-Switchboard-Signature"),
    ("timestamp not a number", "not unix seconds"),
])
def test_refusals_say_why(case: str, words: str) -> None:
    given, body, now = headers(sign(BODY, NOW)), BODY, NOW
    if case == "wrong secret":
        given = headers(sign(BODY, NOW, "whsec_someone-elses-secret"))
    elif case == "changed body":
        body = BODY.replace(b"evt_1", b"evt_2")
    elif case == "other timestamp":
        given = headers(sign(BODY, NOW), timestamp=NOW + 1)
    elif case == "no scheme":
        given = headers(sign(BODY, NOW).removeprefix("sha256="))
    elif case == "too old":
        now = NOW + 301
    elif case == "from the future":
        now = NOW - 301
    elif case == "no timestamp":
        del given["X-Switchboard-Timestamp"]
    elif case == "no signature":
        del given["X-Switchboard-Signature"]
    elif case == "timestamp not a number":
        given["X-Switchboard-Timestamp"] = "yesterday"
    with pytest.raises(WebhookVerificationError, match=words):
        verify_webhook(body, given, SECRET, now=now)


def test_the_window_is_the_callers_and_the_clock_is_real_by_default() -> None:
    assert verify_webhook(BODY, headers(sign(BODY, NOW)), SECRET, tolerance_s=3600,
                          now=NOW + 3000)["id"] == "evt_1"
    with pytest.raises(WebhookVerificationError, match="beyond"):
        verify_webhook(BODY, headers(sign(BODY, NOW)), SECRET)  # NOW is long past


def test_an_empty_secret_or_a_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(WebhookVerificationError, match="secret is empty"):
        verify_webhook(BODY, headers(sign(BODY, NOW, "")), "", now=NOW)
    for body, words in ((b"[1, 2]", "not a JSON object"), (b"{nope", "not JSON")):
        with pytest.raises(WebhookVerificationError, match=words):
            verify_webhook(body, headers(sign(body, NOW)), SECRET, now=NOW)
