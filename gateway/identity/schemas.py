"""REST representations of identity: logins and sessions, API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from gateway.identity.principal import PrincipalKind
from gateway.identity.service import ApiKeyInfo

Scope = Literal["read", "write", "admin"]


class LoginRequest(BaseModel):
    email: str = Field(min_length=3, max_length=320, examples=["owner@example.com"])
    password: str = Field(min_length=1, max_length=1024)


class LoginResponse(BaseModel):
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    expires_at: datetime
    csrf_token: str = Field(description="Also in the `sb_csrf` cookie: send it as "
                                        "`X-CSRF-Token` with every POST, PUT, PATCH, DELETE")


class MeResponse(BaseModel):
    tenant_id: uuid.UUID
    user_id: uuid.UUID | None = Field(description="None when the caller is an API key")
    kind: PrincipalKind
    role: str | None
    scopes: list[str] = Field(description="Effective scopes: admin implies write implies read")
    expires_at: datetime | None = Field(description="When the session ends (sessions only)")
    csrf_token: str | None = Field(default=None, description=(
        "The session's CSRF token (sessions only): the `sb_csrf` cookie's value, to send as "
        "`X-CSRF-Token` with every POST, PUT, PATCH and DELETE"))


class CreateApiKeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=255, examples=["crm-sync"])
    scopes: list[Scope] = Field(min_length=1, description="admin implies write implies read",
                                examples=[["read"]])


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="`sb_<key id>`: recognises a key; it is not the key")
    scopes: list[str]
    created_at: datetime
    created_by: uuid.UUID | None
    last_used_at: datetime | None = Field(description="Updated at most once a minute")
    revoked_at: datetime | None

    @classmethod
    def of(cls, info: ApiKeyInfo) -> ApiKeyOut:
        return cls(id=info.id, name=info.name, prefix=info.prefix, scopes=list(info.scopes),
                   created_at=info.created_at, created_by=info.created_by,
                   last_used_at=info.last_used_at, revoked_at=info.revoked_at)


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]


class ApiKeyCreated(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    key: str = Field(description="The API key. It is shown only in this response: store it now")
    created_at: datetime
