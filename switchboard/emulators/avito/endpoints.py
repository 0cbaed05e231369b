"""Names of the emulated Avito endpoints and what each one demands: OAuth scope, tariff,
documented rate limit, error family. Rate limits and faults are keyed by these names."""

from __future__ import annotations

import re
from typing import Literal, get_args

Endpoint = Literal[
    "token", "oauth", "self", "balance", "items", "item",
    "chats", "chat", "messages", "send", "send_image", "upload_images", "delete_message",
    "read", "voice_files", "blacklist", "webhook", "unsubscribe", "subscriptions",
    "voice_download", "item_stats", "item_analytics", "spendings", "calls_stats", "cpa_balance",
]
ENDPOINTS: tuple[str, ...] = get_args(Endpoint)

# Scopes an authorization_code token needs (§1.4); client_credentials tokens have them all.
SCOPES: dict[str, str] = {
    "self": "user:read",
    "balance": "user_balance:read",
    "items": "items:info",
    "item": "items:info",
    "calls_stats": "items:info",
    **dict.fromkeys(("item_stats", "item_analytics", "spendings"), "stats:read"),
    **dict.fromkeys(("chats", "chat", "messages", "read", "voice_files",
                     "webhook", "unsubscribe", "subscriptions"), "messenger:read"),
    **dict.fromkeys(("send", "send_image", "upload_images", "delete_message", "blacklist"),
                    "messenger:write"),
}
KNOWN_SCOPES = frozenset({
    "autoload:reports", "items:apply_vas", "items:info", "job:applications", "job:cv",
    "job:vacancy", "job:write", "messenger:read", "messenger:write", "short_term_rent:read",
    "short_term_rent:write", "stats:read", "user:read", "user_balance:read",
    "user_operations:read",
})
# Only paid tariffs include the Messenger API; without it these answer 402.
MESSENGER = frozenset(endpoint for endpoint, scope in SCOPES.items()
                      if scope.startswith("messenger:"))
# Limits Avito documents (requests per minute); the rest use the configured default.
DOCUMENTED_LIMITS: dict[str, int] = {"items": 25, "item": 500, "item_analytics": 1,
                                     "spendings": 1, "cpa_balance": 1}
# The CPA API is for client_credentials tokens only (cpa.json's security).
CLIENT_CREDENTIALS_ONLY = frozenset({"cpa_balance"})

# The items API answers errors flat, `{"code": "...", "message": "..."}`, and 429 with `{}`.
_FLAT_ERRORS = re.compile(r"^/core/v1/(items/?$|accounts/[^/]+/items/)")


def flat_errors(path: str) -> bool:
    return _FLAT_ERRORS.match(path) is not None


def parse_scope(scope: str) -> list[str] | None:
    """Avito scopes are comma-separated; None when empty or any scope is unknown."""
    scopes = [part for part in scope.split(",") if part]
    if not scopes or any(s not in KNOWN_SCOPES for s in scopes):
        return None
    return scopes
