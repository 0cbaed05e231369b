"""Who a Telegram user is in the bot's tenant: their link (`telegram_link` through the SDK),
cached for a short while per bot, so a manager typing fast does not cost a lookup a message,
while a person disabled or unlinked loses their power within the cache's time."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from switchboard_sdk import Switchboard, TelegramLink, UserRole

ROLE_NAMES = {UserRole.OWNER: "владелец", UserRole.ADMIN: "администратор",
              UserRole.AGENT: "менеджер"}
_MAX_ENTRIES = 10_000  # people per bot; past it the oldest are asked again
_UNKNOWN_RETRY_S = 5.0  # an assignee not among the names: the list is asked again after this
log = logging.getLogger("clients.telegram_bot")


def may_act(link: TelegramLink | None) -> bool:
    """A linked, active person: may reply to buyers and press the card's buttons."""
    return link is not None and link.user.active


def may_administer(link: TelegramLink | None) -> bool:
    """An active owner or admin: may also link and unlink the group."""
    return may_act(link) and link is not None and link.user.role in (UserRole.OWNER,
                                                                      UserRole.ADMIN)


def role_name(link: TelegramLink) -> str:
    role = link.user.role
    return ROLE_NAMES.get(role, str(role)) if role is not None else "без роли"


class People:
    def __init__(self, sb: Switchboard, ttl_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._sb, self._ttl, self._clock = sb, ttl_s, clock
        self._known: dict[int, tuple[float, TelegramLink | None]] = {}

    async def who(self, telegram_user_id: int) -> TelegramLink | None:
        """Their link (None: not linked); asked of the platform at most once per `ttl_s`."""
        now = self._clock()
        cached = self._known.get(telegram_user_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        link = await self._sb.telegram_link(telegram_user_id)
        if len(self._known) >= _MAX_ENTRIES:
            self._known.pop(next(iter(self._known)))
        self._known[telegram_user_id] = (now, link)
        return link

    def forget(self, telegram_user_id: int) -> None:
        """Ask again next time (they were just linked)."""
        self._known.pop(telegram_user_id, None)


class Assignees:
    """A platform user id -> what a card calls them (name, else e-mail). The public API names
    users only through their Telegram links, so a person not linked stays unnamed (the card
    then omits the line). The list is asked again after `ttl_s`, or sooner (at most every
    few seconds) for an id it lacks: a card edit never costs a lookup each."""

    def __init__(self, sb: Switchboard, ttl_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._sb, self._ttl, self._clock = sb, ttl_s, clock
        self._names: dict[str, str] = {}
        self._asked_at: float | None = None

    async def name(self, user_id: str | None) -> str:
        if not user_id:
            return ""
        now = self._clock()
        age = None if self._asked_at is None else now - self._asked_at
        if age is None or age >= self._ttl or (user_id not in self._names
                                                and age >= _UNKNOWN_RETRY_S):
            self._asked_at = now
            try:
                self._names = {link.user.id: link.user.name.strip() or link.user.email
                               for link in await self._sb.telegram_links()}
            except Exception:  # the card goes without the line rather than not at all
                log.warning("telegram: the linked people were not listed", exc_info=True)
        return self._names.get(user_id, "")
