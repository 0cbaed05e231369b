"""Who is calling: the tenant, the user (for sessions), and what they may do."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from gateway.identity.scopes import allows, expand_scopes

PrincipalKind = Literal["api_key", "session"]

# A user's role decides the scopes of their browser sessions.
ROLE_SCOPES: dict[str, str] = {"owner": "admin", "admin": "admin", "agent": "write"}


@dataclass(frozen=True, slots=True)
class Principal:
    tenant_id: uuid.UUID
    # None for API keys: a key acts for the tenant, not for a person.
    user_id: uuid.UUID | None
    # Effective scopes, implications already applied (admin -> write -> read, r:write -> r:read).
    scopes: frozenset[str]
    kind: PrincipalKind
    # The API key row id or the session row id, for audit and revocation.
    credential_id: uuid.UUID
    role: str | None = None
    # When the session ends or the API key expires (None: a key that never does).
    expires_at: datetime | None = None

    def has(self, scope: str) -> bool:
        """Holds `scope` on every resource (a resource-scoped key never does)."""
        return scope in self.scopes

    def allows(self, scope: str, resource: str | None) -> bool:
        """Holds `scope` on `resource`: on every resource, or on this one by `<resource>:<scope>`."""
        return allows(self.scopes, scope, resource)

    @classmethod
    def for_api_key(cls, tenant_id: uuid.UUID, key_uuid: uuid.UUID, scopes: Iterable[str],
                    expires_at: datetime | None = None) -> Principal:
        return cls(tenant_id=tenant_id, user_id=None, scopes=expand_scopes(scopes),
                   kind="api_key", credential_id=key_uuid, expires_at=expires_at)

    @classmethod
    def for_session(cls, tenant_id: uuid.UUID, user_id: uuid.UUID, role: str,
                    session_id: uuid.UUID, expires_at: datetime) -> Principal:
        scope = ROLE_SCOPES.get(role)
        return cls(tenant_id=tenant_id, user_id=user_id,
                   scopes=expand_scopes([scope] if scope else []), kind="session",
                   credential_id=session_id, role=role, expires_at=expires_at)
