"""REST representations of identity: logins and sessions, API keys, the team."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from gateway.identity.api_keys import ApiKeyInfo
from gateway.identity.principal import PrincipalKind
from gateway.identity.scopes import SCOPES_DESCRIPTION
from gateway.identity.team import OneTimeLink, UserInfo


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
    scopes: list[str] = Field(description="Effective scopes, implications applied (admin -> "
                                          "write -> read, <resource>:write -> <resource>:read)")
    expires_at: datetime | None = Field(description="When the session ends or the API key "
                                                    "expires (None: a key that never does)")
    csrf_token: str | None = Field(default=None, description=(
        "The session's CSRF token (sessions only): the `sb_csrf` cookie's value, to send as "
        "`X-CSRF-Token` with every POST, PUT, PATCH and DELETE"))


class CreateApiKeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=255, examples=["crm-sync"])
    scopes: list[Annotated[str, Field(max_length=64)]] = Field(
        min_length=1, max_length=32, description=SCOPES_DESCRIPTION,
        examples=[["read"], ["conversations:write", "knowledge:read"]])
    expires_at: datetime | None = Field(
        default=None, examples=["2027-01-31T00:00:00Z"],
        description="When the key stops working (with a time zone; in the future, at most 730 "
                    "days ahead); left out, the key never expires")


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="`sb_<key id>`: recognises a key; it is not the key")
    scopes: list[str]
    created_at: datetime
    created_by: uuid.UUID | None
    last_used_at: datetime | None = Field(description="Updated at most once a minute")
    revoked_at: datetime | None
    expires_at: datetime | None = Field(description="None: never expires")
    expired: bool = Field(description="Past its expires_at: refused with 401 "
                                      "/problems/api-key-expired")

    @classmethod
    def of(cls, info: ApiKeyInfo) -> ApiKeyOut:
        return cls(id=info.id, name=info.name, prefix=info.prefix, scopes=list(info.scopes),
                   created_at=info.created_at, created_by=info.created_by,
                   last_used_at=info.last_used_at, revoked_at=info.revoked_at,
                   expires_at=info.expires_at, expired=info.expired)


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]


class ApiKeyCreated(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    key: str = Field(description="The API key. It is shown only in this response: store it now")
    created_at: datetime
    expires_at: datetime | None = Field(description="None: never expires")


# --- the team ------------------------------------------------------------------------------

Role = Literal["owner", "admin", "agent"]
Password = Annotated[str, Field(min_length=8, max_length=1024,
                                description="8 to 1024 characters")]


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    status: Literal["invited", "active", "disabled"] = Field(
        description="invited: has not accepted the invitation yet (cannot log in)")
    active: bool = Field(description="May log in and be assigned conversations")
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, info: UserInfo) -> UserOut:
        return cls(id=info.id, email=info.email, name=info.name, role=info.role,  # type: ignore[arg-type]
                   status=info.status, active=info.active,  # type: ignore[arg-type]
                   created_at=info.created_at, last_login_at=info.last_login_at)


class UserList(BaseModel):
    items: list[UserOut]


class InviteRequest(BaseModel):
    email: str = Field(min_length=3, max_length=320, examples=["maria@example.com"])
    role: Literal["admin", "agent"] = Field(
        description="The owner invites admins and agents, an admin agents")
    name: str = Field(default="", max_length=255)


class OneTimeLinkOut(BaseModel):
    purpose: Literal["invite", "reset"]
    url: str = Field(description="Hand it to the person: no e-mail is sent. It works once")
    expires_at: datetime

    @classmethod
    def of(cls, link: OneTimeLink) -> OneTimeLinkOut:
        return cls(purpose=link.purpose, url=link.url,  # type: ignore[arg-type]
                   expires_at=link.expires_at)


class Invitation(BaseModel):
    user: UserOut
    invite_url: str = Field(description="`{public_base_url}/invite/{token}`: hand it to the "
                                        "person (no e-mail is sent); valid 7 days, once")
    expires_at: datetime


class UpdateUserRequest(BaseModel):
    role: Role | None = Field(default=None, description="Only an owner changes roles")
    active: bool | None = Field(default=None, description="false disables the user: their "
                                "sessions end at once; true enables them again")
    name: str | None = Field(default=None, max_length=255)


class AcceptInviteRequest(BaseModel):
    token: str = Field(min_length=1, max_length=256, description="The last part of the URL")
    password: Password
    name: str | None = Field(default=None, max_length=255)


class ResetPasswordRequest(BaseModel):
    token: str = Field(min_length=1, max_length=256, description="The last part of the URL")
    password: Password


class ChangePasswordRequest(BaseModel):
    current: str = Field(min_length=1, max_length=1024)
    new: Password
