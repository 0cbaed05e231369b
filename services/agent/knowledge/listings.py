"""Listing documents: one per channel account and item, kept up to date from listing events,
with one chunk "title — price — url — status" that search_knowledge finds like any other."""

from __future__ import annotations

from dataclasses import dataclass

from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from services.agent.knowledge.domain import MAX_NAME_LENGTH, Upload

# What buyers should read for each channel status. Items that are not (or no longer) the
# seller's have nothing to say and their document is removed.
_STATUS_TEXT = {
    "active": "в продаже",
    "removed": "снято с продажи",
    "old": "снято с продажи (в архиве)",
    "blocked": "заблокировано",
    "rejected": "отклонено модерацией",
}
GONE_STATUSES = frozenset({"not_found", "another_user"})


@dataclass(frozen=True)
class ListingDocument:
    source_ref: str
    upload: Upload | None  # None: the item is gone, remove its document


def source_ref(channel_id: str, item_id: str) -> str:
    return f"listing:{channel_id}:{item_id}"


def listing_document(event: channel_events.ListingUpdated) -> ListingDocument:
    item = event.listing
    ref = source_ref(event.channel_id, item.external_id)
    if event.status in GONE_STATUSES:
        return ListingDocument(ref, None)
    title = item.title.strip() or f"Объявление {item.external_id}"
    parts = [title, price_text(item.price_minor) if item.has_price else "цена не указана"]
    if item.url:
        parts.append(item.url)
    if event.status:
        parts.append(_STATUS_TEXT.get(event.status, event.status))
    name = title if len(title) <= MAX_NAME_LENGTH else title[:MAX_NAME_LENGTH - 1] + "…"
    return ListingDocument(ref, Upload(name, "text/plain", " — ".join(parts).encode()))


def price_text(minor: int) -> str:
    """18500_00 -> "18 500 ₽"; kopecks only when there are some."""
    rubles, kopecks = divmod(minor, 100)
    text = f"{rubles:,}".replace(",", " ")
    return f"{text},{kopecks:02d} ₽" if kopecks else f"{text} ₽"
