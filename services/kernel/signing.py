"""Signatures of the webhooks the platform sends (scheduled reports, outgoing event webhooks):
`X-Switchboard-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Switchboard-Timestamp>." + body)>`.
While a rotated-out secret is still valid, one signature per secret, comma-separated, newest
first; a receiver accepts the request when any of them matches its secret (docs/events.md)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

SIGNATURE_HEADER = "X-Switchboard-Signature"
TIMESTAMP_HEADER = "X-Switchboard-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def signatures(secrets: Iterable[str], timestamp: str, body: bytes) -> str:
    """The signature header's value for every secret in force."""
    return ",".join(sign(secret, timestamp, body) for secret in secrets)

