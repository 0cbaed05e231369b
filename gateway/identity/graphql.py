"""GraphQL: linking Telegram users to platform users, as REST's `/v1/telegram/link-codes` and
`/v1/telegram/links` do, through the same rules (gateway/identity/telegram_links.py).
Telegram's ids are 64-bit: they travel as `ID` (GraphQL's Int has 32 bits)."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input
from gateway.identity.telegram_links import MAX_TELEGRAM_USER_ID, Link, LinkCode


@strawberry.type(name="LinkedUser", description="The platform user behind a Telegram account")
class LinkedUserType:
    id: strawberry.ID
    email: str
    name: str
    role: str = strawberry.field(description="owner | admin | agent")
    active: bool = strawberry.field(description="false for a disabled user: no power left")


@strawberry.type(name="TelegramLink")
class TelegramLinkType:
    telegram_user_id: strawberry.ID = strawberry.field(description="Telegram's user id")
    telegram_username: str | None
    created_at: datetime
    user: LinkedUserType

    @classmethod
    def of(cls, link: Link) -> TelegramLinkType:
        u = link.user
        return cls(telegram_user_id=strawberry.ID(str(link.telegram_user_id)),
                   telegram_username=link.telegram_username, created_at=link.created_at,
                   user=LinkedUserType(id=strawberry.ID(str(u.id)), email=u.email, name=u.name,
                                       role=u.role, active=u.active))


@strawberry.type(name="TelegramLinkCode")
class TelegramLinkCodeType:
    code: str = strawberry.field(description="One-time; typed in any case, with or without -")
    user_id: strawberry.ID
    expires_at: datetime
    start_command: str = strawberry.field(description="What to send the tenant's bot")

    @classmethod
    def of(cls, code: LinkCode) -> TelegramLinkCodeType:
        return cls(code=code.code, user_id=strawberry.ID(str(code.user_id)),
                   expires_at=code.expires_at, start_command=code.start_command)


@strawberry.input
class LinkTelegramUserInput:
    code: str = strawberry.field(description="As the person sent it to the bot")
    telegram_user_id: strawberry.ID
    telegram_username: str | None = None


@strawberry.type
class TelegramLinkQuery:
    @strawberry.field(description="Every linked Telegram account of the tenant (admin)")
    async def telegram_links(self, info: Info) -> list[TelegramLinkType]:
        principal = info.context.require("admin")
        links = await info.context.state.identity.telegram_links.links(principal)
        return [TelegramLinkType.of(link) for link in links]

    @strawberry.field(description="Who this Telegram user is here (admin); null when not linked")
    async def telegram_link(self, info: Info,
                            telegram_user_id: strawberry.ID) -> TelegramLinkType | None:
        principal = info.context.require("admin")
        link = await info.context.state.identity.telegram_links.lookup(
            principal, telegram_id(telegram_user_id))
        return TelegramLinkType.of(link) if link else None


@strawberry.type
class TelegramLinkMutation:
    @strawberry.mutation(description=(
        "A one-time code that links a Telegram account (send the bot `/start <code>` within 10 "
        "minutes): for yourself with a session, for userId with the admin scope. The user's "
        "earlier codes stop working"))
    async def create_telegram_link_code(self, info: Info, user_id: strawberry.ID | None = None
                                        ) -> TelegramLinkCodeType:
        principal = info.context.require("read")
        target = _uuid(user_id, "userId") if user_id is not None else None
        code = await info.context.state.identity.telegram_links.create_code(principal, target)
        return TelegramLinkCodeType.of(code)

    @strawberry.mutation(description=(
        "Redeem a code (the bot runner, admin): link the Telegram user to the code's user, "
        "replacing either one's earlier link. Unknown, used or expired: BAD_USER_INPUT"))
    async def link_telegram_user(self, info: Info,
                                 input: LinkTelegramUserInput) -> TelegramLinkType:
        principal = info.context.require("admin")
        link = await info.context.state.identity.telegram_links.redeem(
            principal, input.code, telegram_id(input.telegram_user_id, "input.telegramUserId"),
            input.telegram_username)
        return TelegramLinkType.of(link)

    @strawberry.mutation(description="Remove a link: an admin, or the linked person themself")
    async def unlink_telegram_user(self, info: Info, telegram_user_id: strawberry.ID) -> bool:
        principal = info.context.require("read")
        await info.context.state.identity.telegram_links.unlink(
            principal, telegram_id(telegram_user_id))
        return True


def telegram_id(value: str, name: str = "telegramUserId") -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 19
            and 0 < int(text) <= MAX_TELEGRAM_USER_ID):
        raise bad_input(f"{name} must be a positive 64-bit integer")
    return int(text)


def _uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise bad_input(f"{name} is not a valid id") from None
