"""Checking a webhook Switchboard sent you, before trusting its body.

Every delivery carries `X-Switchboard-Timestamp` (unix seconds) and `X-Switchboard-Signature:
sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`; while a rotated secret's old one
is still valid, the header holds one signature per secret, comma-separated. Checking the
timestamp too stops a captured delivery from being replayed later.

    event = verify_webhook(await request.body(), request.headers, secret)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from switchboard_sdk.errors import SwitchboardError

SIGNATURE_HEADER = "X-Switchboard-Signature"
TIMESTAMP_HEADER = "X-Switchboard-Timestamp"
_SCHEME = "sha256="


class WebhookVerificationError(SwitchboardError):
    """The delivery is not one Switchboard signed with your secret just now: answer 4xx and
    drop it (a real delivery refused by mistake is retried and can be replayed)."""


def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str, *,
                   tolerance_s: float = 300, now: float | None = None) -> dict[str, Any]:
    """The event of a delivery (its JSON body as a dict) once its signature and timestamp
    check out; WebhookVerificationError saying why otherwise.

    `body` must be the raw bytes received (parsed and re-serialised JSON no longer matches);
    `headers` any mapping of them (names in any case); `tolerance_s` how far the timestamp may
    be from `now` (default: this machine's clock) either way. Deduplicate on the event's `id`:
    delivery is at least once."""
    if not secret:
        raise WebhookVerificationError("secret is empty: pass the endpoint's signing secret")
    timestamp = _header(headers, TIMESTAMP_HEADER)
    signatures = _header(headers, SIGNATURE_HEADER)
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookVerificationError(f"{TIMESTAMP_HEADER} is not unix seconds") from None
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance_s:
        raise WebhookVerificationError(
            f"{TIMESTAMP_HEADER} is {int(current - sent_at)} s from now, beyond {tolerance_s} s: "
            "a replayed delivery, or this machine's clock is wrong")
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    # Every candidate is compared (constant time each), so the time taken says nothing.
    matched = False
    for candidate in signatures.split(","):
        value = candidate.strip()
        if value.startswith(_SCHEME):
            matched |= hmac.compare_digest(value[len(_SCHEME):].encode(), expected.encode())
    if not matched:
        raise WebhookVerificationError(
            f"no signature in {SIGNATURE_HEADER} matches this secret and body (check the "
            "secret, and that the body is the raw bytes received)")
    try:
        event = json.loads(body)
    except ValueError:
        raise WebhookVerificationError("the body is not JSON") from None
    if not isinstance(event, dict):
        raise WebhookVerificationError("the body is not a JSON object")
    return event


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    if not value:
        raise WebhookVerificationError(f"the delivery has no {name} header")
    return str(value).strip()
