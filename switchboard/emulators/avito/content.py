"""`content` of each message type, in the shapes of Avito's MessageContent (§3.3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from switchboard.emulators.avito.model import IMAGE_SIZES, Account, Chat, Item, NotFound
from switchboard.emulators.avito.schemas import IncomingSpec


def image_content(sizes: dict[str, str]) -> dict[str, Any]:
    return {"image": {"sizes": dict(sizes)}}


def same_image(url: str) -> dict[str, str]:
    """A buyer's photo given as one URL: every size points at it."""
    return dict.fromkeys(IMAGE_SIZES, url)


def item_card(item: Item, base_url: str) -> dict[str, Any]:
    return {"item": {"title": item.title, "item_url": item.url, "image_url": item.image(base_url),
                     "price_string": item.price_string}}


def incoming_content(spec: IncomingSpec, account: Account, chat: Chat,
                     new_voice_id: Callable[[], str], base_url: str | None) -> dict[str, Any]:
    """What the buyer's message of `spec.type` carries; types Avito does not render in the
    API (appCall, file, video) carry `{}`. `base_url`: the emulator as the caller reaches it,
    where a shared listing's picture is (the chatter, with no caller, shares none)."""
    kind = spec.type
    if kind == "text":
        return {"text": spec.text}
    if kind == "image":
        assert spec.image is not None
        return image_content(same_image(spec.image))
    if kind == "voice":
        return {"voice": {"voice_id": spec.voice_id or new_voice_id()}}
    if kind == "link":
        return {"link": {"text": spec.text or spec.url, "url": spec.url,
                         "preview": spec.preview}}
    if kind == "item":
        if base_url is None:
            raise ValueError("an item card needs the emulator's base URL")
        return item_card(_shared_item(spec, account, chat), base_url)
    if kind == "location":
        assert spec.location is not None
        return {"location": spec.location.model_dump()}
    if kind == "call":
        return {"call": {"status": spec.call_status, "target_user_id": account.user_id}}
    if kind == "system":
        return {"flow_id": spec.flow_id, "text": spec.text or ""}
    return {}


def _shared_item(spec: IncomingSpec, account: Account, chat: Chat) -> Item:
    if spec.item_id is not None and spec.item_id in account.items:
        return account.items[spec.item_id]
    if chat.item is not None:
        return chat.item
    item = next(iter(account.items.values()), None)
    if item is None:
        raise NotFound("an item message needs a listing, and the account has none")
    return item
