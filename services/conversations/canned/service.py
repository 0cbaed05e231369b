"""Canned replies: the rules of a saved answer and how it renders for a conversation.

Variables are `{name}` in the text: `VARIABLES` lists them. One the conversation has no value
for renders empty and is named in `missing` (the composer says so); a name in braces that is no
variable stays as written and is named in `unknown`. Nothing here fails on a text's content.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from services.conversations.models import CannedReply, Contact, Conversation
from services.conversations.repository import ConversationsUnit
from services.kernel.errors import Conflict, FailedPrecondition, InvalidArgument, NotFound
from services.kernel.tenancy import require_tenant

MAX_TITLE, MAX_TEXT, MAX_REPLIES = 200, 4000, 500
UPDATABLE = frozenset({"title", "text", "shortcut"})
_SHORTCUT = re.compile(r"^[\w-]{1,32}$")
_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _price(c: Conversation, _: Contact) -> str:
    """Kopecks as a Russian price: "12 500 ₽", "99,90 ₽"."""
    if c.listing_price_minor is None:
        return ""
    rubles, kopecks = divmod(c.listing_price_minor, 100)
    whole = f"{rubles:,}".replace(",", " ")
    return f"{whole},{kopecks:02d} ₽" if kopecks else f"{whole} ₽"


# name -> its value for a conversation ("" = none).
VARIABLES: dict[str, Callable[[Conversation, Contact], str]] = {
    "buyer_name": lambda c, contact: contact.name,
    "buyer_phone": lambda c, contact: contact.phone,
    "listing_title": lambda c, contact: c.listing_title,
    "listing_url": lambda c, contact: c.listing_url,
    "price": _price,
}


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: list[str]
    unknown: list[str]


def render(text: str, conversation: Conversation, contact: Contact) -> Rendered:
    missing: dict[str, None] = {}
    unknown: dict[str, None] = {}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in VARIABLES:
            unknown[name] = None
            return match.group(0)
        found = VARIABLES[name](conversation, contact).strip()
        if not found:
            missing[name] = None
        return found
    return Rendered(_VARIABLE.sub(value, text), list(missing), list(unknown))


@dataclass(frozen=True)
class CannedFields:
    """What a create or an update gives; an update applies only the names in `fields`."""

    fields: frozenset[str]
    title: str = ""
    text: str = ""
    shortcut: str = ""


def _checked(given: CannedFields) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    if "title" in given.fields:
        title = given.title.strip()
        if not 1 <= len(title) <= MAX_TITLE:
            raise InvalidArgument(f"title must be 1 to {MAX_TITLE} characters")
        values["title"] = title
    if "text" in given.fields:
        text = given.text.strip()
        if not 1 <= len(text) <= MAX_TEXT:
            raise InvalidArgument(f"text must be 1 to {MAX_TEXT} characters")
        values["text"] = text
    if "shortcut" in given.fields:
        shortcut = given.shortcut.strip().lstrip("/")
        if shortcut and not _SHORTCUT.match(shortcut):
            raise InvalidArgument("shortcut: up to 32 letters, digits, '-' or '_'")
        values["shortcut"] = shortcut or None
    return values


class CannedReplies:
    async def list(self, unit: ConversationsUnit) -> list[CannedReply]:
        return await unit.canned.all(MAX_REPLIES)

    async def create(self, unit: ConversationsUnit, given: CannedFields) -> CannedReply:
        values = _checked(CannedFields(UPDATABLE, given.title, given.text, given.shortcut))
        if await unit.canned.count() >= MAX_REPLIES:
            raise FailedPrecondition(f"a tenant keeps at most {MAX_REPLIES} canned replies")
        await self._free(unit, values.get("shortcut"), None)
        reply = unit.canned.add(CannedReply(id=uuid.uuid4(), tenant_id=require_tenant(),
                                            **values))
        await unit.canned.flush_unique(values.get("shortcut"))
        return reply

    async def update(self, unit: ConversationsUnit, id_: uuid.UUID,
                     given: CannedFields) -> CannedReply:
        if not given.fields or given.fields - UPDATABLE:
            raise InvalidArgument(f"update_fields must name some of {sorted(UPDATABLE)}")
        values = _checked(given)
        reply = await unit.canned.lock(id_)
        if reply is None:
            raise NotFound(f"canned reply {id_} not found")
        if "shortcut" in values:
            await self._free(unit, values["shortcut"], id_)
        for name, value in values.items():
            setattr(reply, name, value)
        await unit.canned.flush_unique(values.get("shortcut"))
        return reply

    async def delete(self, unit: ConversationsUnit, id_: uuid.UUID) -> None:
        if not await unit.canned.remove(id_):
            raise NotFound(f"canned reply {id_} not found")

    async def render(self, unit: ConversationsUnit, id_: uuid.UUID,
                     conversation_id: uuid.UUID) -> Rendered:
        reply = await unit.canned.get(id_)
        if reply is None:
            raise NotFound(f"canned reply {id_} not found")
        row = await unit.conversations.get_with_contact(conversation_id)
        if row is None:
            raise NotFound(f"conversation {conversation_id} not found")
        return render(reply.text, *row)

    @staticmethod
    async def _free(unit: ConversationsUnit, shortcut: str | None,
                    but: uuid.UUID | None) -> None:
        """A shortcut is one reply's (the unique index is the last word on a race:
        `flush_unique`)."""
        if shortcut and await unit.canned.shortcut_taken(shortcut, but):
            raise Conflict(f"shortcut /{shortcut} belongs to another canned reply")
