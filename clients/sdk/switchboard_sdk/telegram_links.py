"""Telegram users linked to your platform users: a one-time code for a person, redeemed by your
Telegram bot when they send it `/start <code>`, then who a Telegram user is (and their role)
before the bot lets them act. Telegram's ids are 64-bit: GraphQL carries them as `ID`, the SDK
as `int`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from switchboard_sdk._base import Api
from switchboard_sdk._codec import OpenEnum, decode
from switchboard_sdk.errors import ProtocolError

LINK = """
fragment TelegramLinkFields on TelegramLink {
  telegramUserId telegramUsername createdAt user { id email name role active }
}"""
CREATE_TELEGRAM_LINK_CODE = """
mutation CreateTelegramLinkCode($userId: ID) {
  createTelegramLinkCode(userId: $userId) { code userId expiresAt startCommand }
}"""
LINK_TELEGRAM_USER = LINK + """
mutation LinkTelegramUser($input: LinkTelegramUserInput!) {
  linkTelegramUser(input: $input) { ...TelegramLinkFields }
}"""
TELEGRAM_LINK = LINK + """
query TelegramLink($telegramUserId: ID!) {
  telegramLink(telegramUserId: $telegramUserId) { ...TelegramLinkFields }
}"""
TELEGRAM_LINKS = LINK + """
query TelegramLinks { telegramLinks { ...TelegramLinkFields } }"""
UNLINK_TELEGRAM_USER = """
mutation UnlinkTelegramUser($telegramUserId: ID!) { unlinkTelegramUser(telegramUserId: $telegramUserId) }"""


class UserRole(OpenEnum):
    OWNER = "owner"
    ADMIN = "admin"
    AGENT = "agent"  # a manager: answers buyers, no admin powers


@dataclass(frozen=True)
class LinkedUser:
    """The platform user behind a Telegram account. `active` is False for a disabled user:
    give them no power."""

    id: str
    email: str = ""
    name: str = ""
    role: UserRole | None = None
    active: bool = False


@dataclass(frozen=True)
class TelegramLink:
    telegram_user_id: int
    user: LinkedUser
    telegram_username: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class TelegramLinkCode:
    """Show `start_command` to the person (or link to `https://t.me/<bot>?start=<code>`); it
    works once, until `expires_at`."""

    code: str
    user_id: str = ""
    expires_at: datetime | None = None
    start_command: str = ""


class TelegramLinksApi(Api):
    async def create_telegram_link_code(self, user_id: str) -> TelegramLinkCode:
        """A one-time code that links a Telegram account to `user_id` (admin key). The user's
        earlier codes stop working, so a retry is harmless: only the code returned works."""
        found = await self._data(CREATE_TELEGRAM_LINK_CODE, "createTelegramLinkCode",
                                 user_id=user_id)
        return decode(TelegramLinkCode, found)

    async def link_telegram_user(self, code: str, telegram_user_id: int,
                                 telegram_username: str | None = None) -> TelegramLink:
        """Redeem the code a person sent your bot (admin key): links their Telegram account,
        replacing either side's earlier link. InvalidInput for an unknown, used or expired
        code (tell them to create a new one), Conflict for a disabled user. Never retried:
        a code works once."""
        found = await self._data(LINK_TELEGRAM_USER, "linkTelegramUser", safe=False, input={
            "code": code, "telegramUserId": str(telegram_user_id),
            "telegramUsername": telegram_username})
        return _link(found)

    async def telegram_link(self, telegram_user_id: int) -> TelegramLink | None:
        """Who this Telegram user is in your tenant (admin key), or None when not linked.
        Check `user.active` and `user.role` before letting them act."""
        found = await self._data(TELEGRAM_LINK, "telegramLink",
                                 telegram_user_id=str(telegram_user_id))
        return None if found is None else _link(found)

    async def telegram_links(self) -> list[TelegramLink]:
        """Every linked Telegram account of your tenant (admin key), oldest first."""
        found = await self._data(TELEGRAM_LINKS, "telegramLinks")
        if not isinstance(found, list):
            raise ProtocolError("telegramLinks: expected a list")
        return [_link(item) for item in found]

    async def unlink_telegram_user(self, telegram_user_id: int) -> None:
        """Remove a link (admin key); NotFound when the account is not linked. Not retried
        (a repeat of one that went through would say NotFound)."""
        await self._data(UNLINK_TELEGRAM_USER, "unlinkTelegramUser", safe=False,
                         telegram_user_id=str(telegram_user_id))


def _link(data: Any) -> TelegramLink:
    link = decode(TelegramLink, data)
    try:  # an ID (a string) on the wire
        return TelegramLink(int(link.telegram_user_id), link.user, link.telegram_username,
                            link.created_at)
    except (TypeError, ValueError):
        raise ProtocolError(f"telegramUserId {link.telegram_user_id!r} is not a number") from None
