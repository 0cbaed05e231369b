"""GraphQL: linking Telegram users to platform users, as REST's `/v1/telegram/link-codes` and
`/v1/telegram/links` do, through the same rules (gateway/identity/telegram_links.py).
Telegram's ids are 64-bit: they travel as `ID` (GraphQL's Int has 32 bits). The team, as REST's
`/v1/users` (gateway/identity/team.py): `users`, `inviteUser`, `updateUser`,
`resetUserPassword`."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from gateway.graphql.context import Info
from gateway.graphql.errors import bad_input
from gateway.identity.team import UserInfo
from gateway.identity.team_rules import Change
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
        target = parse_uuid(user_id, "userId") if user_id is not None else None
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


def parse_uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise bad_input(f"{name} is not a valid id") from None


# --- the team (as REST's /v1/users: gateway/identity/team.py, docs/accounts.md) -------------
# No acceptInvite here: every GraphQL request needs a credential before it runs, and the person
# accepting has none yet; the web app's page posts /v1/auth/accept-invite, which signs them in.

@strawberry.type(name="TeamUser", description="A user of the tenant")
class TeamUserType:
    id: strawberry.ID
    email: str
    name: str
    role: str = strawberry.field(description="owner | admin | agent")
    status: str = strawberry.field(description="invited | active | disabled")
    active: bool = strawberry.field(description="May log in and be assigned conversations")
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: UserInfo) -> TeamUserType:
        return cls(id=strawberry.ID(str(user.id)), email=user.email, name=user.name,
                   role=user.role, status=user.status, active=user.active,
                   created_at=user.created_at, last_login_at=user.last_login_at)


@strawberry.type(name="OneTimeLink")
class OneTimeLinkType:
    purpose: str = strawberry.field(description="invite | reset")
    url: str = strawberry.field(description="Hand it to the person: no e-mail is sent")
    expires_at: datetime


@strawberry.type(name="Invitation")
class InvitationType:
    user: TeamUserType
    invite_url: str = strawberry.field(description="Valid 7 days, once; no e-mail is sent")
    expires_at: datetime


@strawberry.input
class UpdateUserInput:
    role: str | None = strawberry.field(default=None, description="owner | admin | agent "
                                                                  "(the owner only)")
    active: bool | None = strawberry.field(default=None, description=(
        "false disables: the user's sessions end at once"))
    name: str | None = None


@strawberry.type
class TeamQuery:
    @strawberry.field(description="The tenant's users, oldest first (activeOnly: who may be "
                                  "assigned)")
    async def users(self, info: Info, active_only: bool = False) -> list[TeamUserType]:
        principal = info.context.require("read")
        found = await info.context.state.identity.team.users(principal)
        return [TeamUserType.of(u) for u in found if u.active or not active_only]


@strawberry.type
class TeamMutation:
    @strawberry.mutation(description=(
        "Invite a person as admin or agent (the owner: both, an admin: agents); they are "
        "invited until they open inviteUrl. A registered address: CONFLICT"))
    async def invite_user(self, info: Info, email: str, role: str,
                          name: str = "") -> InvitationType:
        principal = info.context.require("admin")
        user, link = await info.context.state.identity.team.invite(principal, email, role, name)
        return InvitationType(user=TeamUserType.of(user), invite_url=link.url,
                              expires_at=link.expires_at)

    @strawberry.mutation(description=(
        "Change a role (the owner only), disable or enable, rename; nobody disables or "
        "demotes themselves or the last owner"))
    async def update_user(self, info: Info, id: strawberry.ID,
                          input: UpdateUserInput) -> TeamUserType:
        principal = info.context.require("admin")
        change = Change(role=input.role, active=input.active, name=input.name)
        user = await info.context.state.identity.team.update(principal, parse_uuid(id, "id"),
                                                             change)
        return TeamUserType.of(user)

    @strawberry.mutation(description=(
        "A one-time password reset URL (24 h); a new invitation for who has not accepted"))
    async def reset_user_password(self, info: Info, id: strawberry.ID) -> OneTimeLinkType:
        principal = info.context.require("admin")
        link = await info.context.state.identity.team.reset_link(principal,
                                                                 parse_uuid(id, "id"))
        return OneTimeLinkType(purpose=link.purpose, url=link.url, expires_at=link.expires_at)
