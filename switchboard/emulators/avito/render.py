"""JSON shapes of Avito's responses and webhook payloads, built from the in-memory state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from switchboard.emulators.avito.model import CARD_SIZE, Account, Chat, Item, Message, Person

_AVATAR = "https://www.avito.st/stub_avatars/_/14_256x256.png"
# Avito's status_id of a listing in chat context: 10 active, 20 deleted.
_STATUS_IDS = {"removed": 20}


def account_self(account: Account) -> dict[str, Any]:
    return {
        "id": account.user_id,
        "name": account.person.name,
        "email": account.email,
        "phone": account.phone,
        "phones": [account.phone],
        "profile_url": account.person.profile_url,
    }


def _user(person: Person, item_id: int) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "public_user_profile": {
            "user_id": person.id,
            "item_id": item_id,
            "url": person.profile_url,
            "avatar": {"default": _AVATAR, "images": {"256x256": _AVATAR}},
        },
    }


def _item_context(item: Item, seller_id: int, base_url: str) -> dict[str, Any]:
    """Read live from the listing, so an edited title or price shows in the next chat fetch."""
    return {
        "type": "item",
        "value": {
            "id": item.id,
            "title": item.title,
            "price_string": item.price_string,
            "status_id": _STATUS_IDS.get(item.status, 10),
            "url": item.url,
            "user_id": seller_id,
            "images": {"count": 1, "main": {CARD_SIZE: item.image(base_url)}},
        },
    }


def _direction(message: Message, account_id: int) -> str:
    return "out" if message.author_id == account_id else "in"


def last_message(message: Message, account_id: int) -> dict[str, Any]:
    return {
        "id": message.id,
        "author_id": message.author_id,
        "created": message.created,
        "direction": _direction(message, account_id),
        "type": message.type,
        "content": message.content,
    }


def message(msg: Message, c: Chat) -> dict[str, Any]:
    body = {
        **last_message(msg, c.seller_id),
        "is_read": not c.incoming(msg) or msg.read_at is not None,
        # When the buyer read it: buyers in the emulator never do.
        "read": None,
    }
    return _with_quote(body, msg, c)


def _with_quote(body: dict[str, Any], msg: Message, c: Chat) -> dict[str, Any]:
    """`quote`: the quoted message as a MessageQuote (messenger.json), when there is one."""
    quoted = c.by_id.get(msg.quote_id) if msg.quote_id else None
    if quoted is not None:
        body["quote"] = {"id": quoted.id, "author_id": quoted.author_id,
                         "created": quoted.created, "type": quoted.type,
                         "content": quoted.content}
    return body


def chat(c: Chat, account: Account, base_url: str) -> dict[str, Any]:
    """`base_url`: the emulator as the caller reaches it (its listing pictures live there)."""
    body: dict[str, Any] = {"id": c.id, "created": c.created, "updated": c.updated}
    # u2u chats are about a profile, not a listing, so they carry no item context.
    if c.item is not None:
        body["context"] = _item_context(c.item, account.user_id, base_url)
    item_id = c.item.id if c.item else 0
    body["users"] = [_user(account.person, item_id), _user(c.buyer, 0)]
    body["last_message"] = last_message(c.messages[-1], account.user_id)
    return body


def webhook_value(c: Chat, msg: Message, account: Account) -> dict[str, Any]:
    """`payload.value` of a v3 webhook delivery. A quoting message carries `quote` as the
    messages list does: Avito's WebhookMessage schema does not list the field (nor forbid
    extra ones), so this is our assumption of its shape there, the list's MessageQuote."""
    return _with_quote({
        "id": msg.id,
        "chat_id": c.id,
        "user_id": account.user_id,
        "author_id": msg.author_id,
        "created": msg.created,
        "type": msg.type,
        "chat_type": c.type,
        "content": msg.content,
        "item_id": c.item.id if c.item else None,
        "published_at": rfc3339(msg.created),
        "read": None,
    }, msg, c)


def rfc3339(unix: int) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def control_account(account: Account) -> dict[str, Any]:
    return {
        "user_id": account.user_id,
        "name": account.person.name,
        "client_id": account.client_id,
        "client_secret": account.client_secret,
        "items": [control_item(i) for i in account.items.values()],
        "subscriptions": list(account.subscriptions),
        "messenger_access": account.messenger_access,
        "balance": {"real": account.balance_real, "bonus": account.balance_bonus,
                    "cpa": account.balance_cpa},
    }


def control_item(item: Item) -> dict[str, Any]:
    return {"id": item.id, "title": item.title, "price": item.price, "url": item.url,
            "status": item.status, "image_url": item.image_url,
            "price_string": item.price_string}


def control_chat(c: Chat, account: Account, base_url: str) -> dict[str, Any]:
    """A chat with its whole history (oldest first) and read state, for tests."""
    return {
        **chat(c, account, base_url),
        "type": c.type,
        "messages": [{**message(m, c), "read_at": m.read_at} for m in c.messages],
        "unread": c.is_unread(),
        "read_events": list(c.read_events),
    }
