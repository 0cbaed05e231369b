"""Your tenant's API keys (an admin key manages them): list, create (the key is shown once; it
may expire, and may be scoped to chosen resources), revoke.

Scopes: `read`, `write`, `admin` on every resource (admin implies write implies read), or
`<resource>:read` / `<resource>:write` on one (write implies read), the resources being
conversations, channels, agent, knowledge, analytics and webhooks. A key with
`conversations:read` reads conversations and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from switchboard_sdk._base import Api
from switchboard_sdk._codec import decode, decode_list
from switchboard_sdk.errors import InvalidInput

KEY = """
fragment ApiKeyFields on ApiKey {
  id name prefix scopes createdAt createdBy lastUsedAt revokedAt expiresAt expired
}"""
API_KEYS = KEY + """
query ApiKeys { apiKeys { ...ApiKeyFields } }"""
CREATE_API_KEY = KEY + """
mutation CreateApiKey($name: String!, $scopes: [String!]!, $expiresAt: DateTime) {
  createApiKey(name: $name, scopes: $scopes, expiresAt: $expiresAt) {
    key apiKey { ...ApiKeyFields }
  }
}"""
REVOKE_API_KEY = """
mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) }"""


@dataclass(frozen=True)
class ApiKey:
    """A key as lists show it: never its secret. `prefix` (`sb_<key id>`) recognises it."""

    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    created_by: str | None = None  # the user who made it; None when an API key did
    last_used_at: datetime | None = None  # updated at most once a minute
    revoked_at: datetime | None = None
    expires_at: datetime | None = None  # None: never expires
    expired: bool = False  # past expires_at: refused (AuthenticationError)


@dataclass(frozen=True)
class CreatedApiKey:
    key: str  # `sb_...`: shown only now; store it
    api_key: ApiKey


class ApiKeysApi(Api):
    async def api_keys(self) -> list[ApiKey]:
        """Every key of your tenant, newest first, revoked and expired ones included."""
        return decode_list(ApiKey, await self._data(API_KEYS, "apiKeys"))

    async def create_api_key(self, name: str, scopes: Sequence[str], *,
                             expires_at: datetime | None = None) -> CreatedApiKey:
        """A new key (admin key) with these scopes and, if given, an expiry (with a time zone,
        in the future, at most 730 days ahead). An unknown scope or such an expiry is
        InvalidInput saying what is valid. Not retried: a repeat would make a second key."""
        if not name.strip():
            raise InvalidInput("name is required", field="name")
        if expires_at is not None and expires_at.tzinfo is None:
            raise InvalidInput("expires_at needs a time zone, e.g. datetime.now(UTC) + "
                               "timedelta(days=90)", field="expires_at")
        found: Any = await self._data(CREATE_API_KEY, "createApiKey", safe=False, name=name,
                                      scopes=list(scopes), expires_at=expires_at)
        return decode(CreatedApiKey, found)

    async def revoke_api_key(self, key_id: str) -> None:
        """Revoke a key by its id (admin key): refused at once by the replica that revoked it,
        by the others within seconds. Revoking it again is harmless; an unknown id is
        NotFound."""
        await self._data(REVOKE_API_KEY, "revokeApiKey", id=key_id)
