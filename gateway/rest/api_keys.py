"""API keys of the caller's tenant: list, create (the key is shown once), revoke. Admin only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from gateway.auth import AUTH_PROBLEMS, Admin, problem_responses
from gateway.identity.service import ApiKeyInfo
from gateway.state import GatewayState, get_state

router = APIRouter(prefix="/api-keys", tags=["api-keys"])

State = Annotated[GatewayState, Depends(get_state)]
Scope = Literal["read", "write", "admin"]


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


@router.get("", responses=AUTH_PROBLEMS)
async def list_api_keys(principal: Admin, state: State) -> ApiKeyList:
    """Every key of the tenant, revoked ones included; never a secret."""
    keys = await state.identity.list_api_keys(principal)
    return ApiKeyList(items=[ApiKeyOut.of(info) for info in keys])


@router.post("", status_code=201, responses={**AUTH_PROBLEMS, **problem_responses(422)})
async def create_api_key(body: CreateApiKeyRequest, principal: Admin,
                         state: State) -> ApiKeyCreated:
    plaintext, info = await state.identity.create_api_key(principal, body.name, body.scopes)
    return ApiKeyCreated(id=info.id, name=info.name, prefix=info.prefix,
                         scopes=list(info.scopes), key=plaintext, created_at=info.created_at)


@router.delete("/{api_key_id}", status_code=204, response_class=Response,
               responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def revoke_api_key(api_key_id: uuid.UUID, principal: Admin, state: State) -> Response:
    """Revoke a key: refused at once by this replica, by the others within the auth cache TTL."""
    await state.identity.revoke_api_key(principal, api_key_id)
    return Response(status_code=204)
