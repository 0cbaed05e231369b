"""REST: linking Telegram users to platform users (`/v1/telegram/link-codes`,
`/v1/telegram/links`): a one-time code for a person, redeemed by the tenant's bot runner, then
looked up on every command the runner authorizes. Rules: gateway/identity/telegram_links.py."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from gateway.auth import AUTH_PROBLEMS, Admin, CurrentPrincipal, problem_responses
from gateway.errors import ProblemError
from gateway.identity.telegram_links import (
    MAX_CODE_CHARS,
    MAX_TELEGRAM_USER_ID,
    MAX_USERNAME_CHARS,
    Link,
    LinkCode,
)
from gateway.state import State

router = APIRouter(prefix="/telegram", tags=["telegram"])

TelegramUserId = Annotated[int, Field(gt=0, le=MAX_TELEGRAM_USER_ID,
                                      description="Telegram's user id", examples=[123456789])]
TelegramUserIdPath = Annotated[int, Path(gt=0, le=MAX_TELEGRAM_USER_ID,
                                         description="Telegram's user id")]


class CreateLinkCode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID | None = Field(
        default=None, description="Whose code: needs the admin scope; a session without it "
                                  "gets a code for themself, an API key must give it")


class LinkCodeOut(BaseModel):
    code: str = Field(description="One-time, [A-Z0-9-], typed in any case", examples=["K7PQM-3XZ9R"])
    user_id: uuid.UUID
    expires_at: datetime
    start_command: str = Field(description="What to send the tenant's bot",
                               examples=["/start K7PQM-3XZ9R"])

    @classmethod
    def of(cls, code: LinkCode) -> LinkCodeOut:
        return cls(code=code.code, user_id=code.user_id, expires_at=code.expires_at,
                   start_command=code.start_command)


class LinkTelegramUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=MAX_CODE_CHARS, description="As the person sent it")
    telegram_user_id: TelegramUserId
    telegram_username: str | None = Field(default=None, max_length=MAX_USERNAME_CHARS)


class LinkedUserOut(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: str = Field(description="owner | admin | agent")
    active: bool = Field(description="false for a disabled user: they keep no power")


class TelegramLinkOut(BaseModel):
    telegram_user_id: int
    telegram_username: str | None
    created_at: datetime
    user: LinkedUserOut

    @classmethod
    def of(cls, link: Link) -> TelegramLinkOut:
        u = link.user
        return cls(telegram_user_id=link.telegram_user_id,
                   telegram_username=link.telegram_username, created_at=link.created_at,
                   user=LinkedUserOut(id=u.id, email=u.email, name=u.name, role=u.role,
                                      active=u.active))


class TelegramLinkList(BaseModel):
    items: list[TelegramLinkOut]


@router.post("/link-codes", status_code=201,
             responses={**AUTH_PROBLEMS, **problem_responses(404, 409, 422)})
async def create_link_code(principal: CurrentPrincipal, state: State,
                           body: CreateLinkCode | None = None) -> LinkCodeOut:
    """A one-time code that links a Telegram account: the person sends `/start <code>` to the
    tenant's bot within `telegram_link_code_ttl_s` (10 min). A session gets one for itself; an
    admin key (or session) for `user_id`. The user's earlier codes stop working."""
    code = await state.identity.telegram_links.create_code(
        principal, body.user_id if body else None)
    return LinkCodeOut.of(code)


@router.post("/links", status_code=201,
             responses={**AUTH_PROBLEMS, **problem_responses(409, 422)})
async def link_telegram_user(body: LinkTelegramUser, principal: Admin,
                             state: State) -> TelegramLinkOut:
    """Redeem a code (the bot runner's admin key): links the Telegram user to the code's user,
    replacing either one's earlier link. An unknown, used or expired code is a 422; a
    disabled user a 409."""
    link = await state.identity.telegram_links.redeem(
        principal, body.code, body.telegram_user_id, body.telegram_username)
    return TelegramLinkOut.of(link)


@router.get("/links", responses=AUTH_PROBLEMS)
async def list_telegram_links(principal: Admin, state: State) -> TelegramLinkList:
    """Every linked Telegram account of the tenant (one per user at most), oldest first."""
    links = await state.identity.telegram_links.links(principal)
    return TelegramLinkList(items=[TelegramLinkOut.of(link) for link in links])


@router.get("/links/{telegram_user_id}",
            responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def get_telegram_link(telegram_user_id: TelegramUserIdPath, principal: Admin,
                            state: State) -> TelegramLinkOut:
    """Who this Telegram user is here, with their role and whether they are active."""
    link = await state.identity.telegram_links.lookup(principal, telegram_user_id)
    if link is None:
        raise ProblemError(404, f"Telegram user {telegram_user_id} is not linked in this tenant")
    return TelegramLinkOut.of(link)


@router.delete("/links/{telegram_user_id}", status_code=204, response_class=Response,
               responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def unlink_telegram_user(telegram_user_id: TelegramUserIdPath,
                               principal: CurrentPrincipal, state: State) -> Response:
    """Remove a link: an admin, or the linked person themself with their session."""
    await state.identity.telegram_links.unlink(principal, telegram_user_id)
    return Response(status_code=204)
