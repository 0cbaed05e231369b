"""Avito chat objects (messenger v2) -> what a message needs from its chat: the participants'
names and the listing (research §3.1). Pure functions, like normalize.py.
"""

from __future__ import annotations

import re
from typing import Any

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels.avito.normalize import ChatContext

# "18 500 ₽", "300 000 ₽", "1 200,50 ₽" (Avito groups thousands with plain, no-break or thin
# spaces); "Договорная" and friends carry no number.
NAME_LENGTH = 255  # what channels.chats (and conversations' contacts) keep of a name

_PRICE = re.compile(r"\d[\d \u00a0\u202f]*(?:[.,]\d{1,2})?")


def parse_price(price_string: Any) -> int | None:
    """A price string in kopecks; None when it holds no price."""
    if not isinstance(price_string, str):
        return None
    found = _PRICE.search(price_string)
    if found is None:
        return None
    number = re.sub(r"[ \u00a0\u202f]", "", found.group()).replace(",", ".")
    rubles, _, kopecks = number.partition(".")
    return int(rubles) * 100 + int(kopecks.ljust(2, "0")[:2] or 0)


def chat_context(chat: dict[str, Any]) -> ChatContext:
    """Names of everyone in the chat and, for item chats, the listing it is about."""
    names = {str(u.get("id")): str(u.get("name") or "")
             for u in chat.get("users") or [] if isinstance(u, dict) and u.get("id") is not None}
    listing = listing_of(chat)
    return ChatContext(chat_id=str(chat.get("id") or ""), names=names, listing=listing,
                       item_id=listing.external_id if listing is not None else "")


def buyer_name(chat: dict[str, Any], buyer_id: str, seller_id: str) -> str:
    """The buyer's name among the chat's users: the user with the buyer's id, else the one
    user beside the seller (Avito may show the other party's id hashed). Never the seller's
    own name; "" when the chat does not tell."""
    users = [(str(u.get("id")), _str(u.get("name"))) for u in chat.get("users") or []
             if isinstance(u, dict) and u.get("id") is not None]
    for user_id, name in users:
        if user_id == buyer_id != seller_id:
            return name[:NAME_LENGTH]
    others = [name for user_id, name in users if user_id != seller_id]
    return others[0][:NAME_LENGTH] if len(others) == 1 and len(users) == 2 else ""


def listing_of(chat: dict[str, Any]) -> common.Listing | None:
    """The item a u2i chat is about (context.value); None for profile (u2u) chats."""
    context = _dict(chat.get("context"))
    value = _dict(context.get("value"))
    if context.get("type") != "item" or value.get("id") in (None, "", 0):
        return None
    price = parse_price(value.get("price_string"))
    return common.Listing(
        external_id=str(value["id"]), title=_str(value.get("title")),
        price_minor=price or 0, has_price=price is not None, url=_str(value.get("url")),
        image_url=_largest(_dict(_dict(value.get("images")).get("main"))))


def updated_at(chat: dict[str, Any]) -> int:
    """When the chat last changed (unix seconds); 0 when Avito did not say."""
    return _int(chat.get("updated"))


def last_message_at(chat: dict[str, Any]) -> int:
    return _int(_dict(chat.get("last_message")).get("created"))


def _largest(sizes: dict[str, Any]) -> str:
    """The biggest picture of a {"140x105": url, ...} map."""
    def area(size: str) -> int:
        width, _, height = size.partition("x")
        return int(width) * int(height) if width.isdigit() and height.isdigit() else 0
    urls = [(area(size), url) for size, url in sizes.items() if isinstance(url, str) and url]
    return max(urls)[1] if urls else ""


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
