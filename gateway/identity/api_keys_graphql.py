"""GraphQL: the tenant's API keys, as REST's `/v1/api-keys` (gateway/identity/service.py): list
(never a secret), create (the key shown once, in the answer; scopes and expiry validated as
there), revoke. Admin only, as there."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.graphql.context import Info
from gateway.identity.api_keys import ApiKeyInfo
from gateway.identity.graphql import parse_uuid
from gateway.identity.scopes import SCOPES_DESCRIPTION


@strawberry.type(name="ApiKey")
class ApiKeyType:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="sb_<key id>: recognises a key; it is not the key")
    scopes: list[str]
    created_at: datetime
    created_by: strawberry.ID | None
    last_used_at: datetime | None = strawberry.field(description="Updated at most once a minute")
    revoked_at: datetime | None
    expires_at: datetime | None = strawberry.field(description="null: never expires")
    expired: bool = strawberry.field(description="Past expiresAt: refused as unauthenticated")

    @classmethod
    def of(cls, info: ApiKeyInfo) -> ApiKeyType:
        return cls(id=strawberry.ID(str(info.id)), name=info.name, prefix=info.prefix,
                   scopes=list(info.scopes), created_at=info.created_at,
                   created_by=strawberry.ID(str(info.created_by)) if info.created_by else None,
                   last_used_at=info.last_used_at, revoked_at=info.revoked_at,
                   expires_at=info.expires_at, expired=info.expired)


@strawberry.type(name="CreatedApiKey")
class CreatedApiKeyType:
    api_key: ApiKeyType
    key: str = strawberry.field(description="The API key. Shown only in this answer: store it now")


@strawberry.type
class ApiKeyQuery:
    @strawberry.field(description="Every API key of the tenant, revoked ones included (admin)")
    async def api_keys(self, info: Info) -> list[ApiKeyType]:
        principal = info.context.require("admin")
        return [ApiKeyType.of(k) for k in await info.context.state.identity.list_api_keys(
            principal)]


@strawberry.type
class ApiKeyMutation:
    @strawberry.mutation(description=(
        "A new API key (admin). Scopes: " + SCOPES_DESCRIPTION + ". expiresAt: when it stops "
        "working (with a time zone, in the future, at most 730 days ahead; null: never). An "
        "empty name, an unknown scope or such an expiry: BAD_USER_INPUT"))
    async def create_api_key(self, info: Info, name: str, scopes: list[str],
                             expires_at: datetime | None = None) -> CreatedApiKeyType:
        principal = info.context.require("admin")
        key, made = await info.context.state.identity.create_api_key(principal, name, scopes,
                                                                     expires_at)
        return CreatedApiKeyType(api_key=ApiKeyType.of(made), key=key)

    @strawberry.mutation(description=(
        "Revoke a key (admin): refused at once by this replica, by the others within the "
        "authentication cache's lifetime. Unknown: NOT_FOUND"))
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> bool:
        principal = info.context.require("admin")
        await info.context.state.identity.revoke_api_key(principal, parse_uuid(id, "id"))
        return True
