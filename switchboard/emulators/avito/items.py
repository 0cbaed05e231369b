"""Listings and the wallet (§5.1, §5.2, §2.2), plus the control calls that add and edit
listings so that chat enrichment and its refresh can be tested."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from itertools import islice
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query

from switchboard.emulators.avito import render
from switchboard.emulators.avito.emulator import Emulator, EmulatorDep
from switchboard.emulators.avito.errors import CONTROL_PREFIX, validation_error
from switchboard.emulators.avito.guard import authorized
from switchboard.emulators.avito.messenger import split_list
from switchboard.emulators.avito.model import ITEM_STATUSES, Account, Conflict, Item
from switchboard.emulators.avito.render import rfc3339
from switchboard.emulators.avito.schemas import ItemPatch, ItemSpec

router = APIRouter()
control_router = APIRouter(prefix=CONTROL_PREFIX, tags=["emulator control"])


@router.get("/core/v1/items")
@router.get("/core/v1/items/", include_in_schema=False)
async def list_items(
    account: Annotated[Account, Depends(authorized("items"))],
    per_page: Annotated[int, Query(ge=1, le=100)] = 25,
    page: Annotated[int, Query(ge=1)] = 1,
    status: Annotated[list[str] | None, Query()] = None,
    updated_at_from: Annotated[date | None, Query(alias="updatedAtFrom")] = None,
    category: int | None = None,
) -> dict[str, Any]:
    """No total count: clients page until a page comes back shorter than `per_page`."""
    statuses = set(split_list(status)) or {"active"}
    if unknown := statuses - set(ITEM_STATUSES):
        raise validation_error({"status": f"unknown statuses: {', '.join(sorted(unknown))}"})
    since = _midnight(updated_at_from) if updated_at_from else None
    matching = _matching(account, statuses, since, category)
    start = (page - 1) * per_page
    return {"meta": {"page": page, "per_page": per_page},
            "resources": [_resource(i) for i in islice(matching, start, start + per_page)]}


def _matching(account: Account, statuses: set[str], since: int | None,
              category: int | None) -> Iterator[Item]:
    return (i for i in account.items.values()
            if i.status in statuses
            and (since is None or i.updated >= since)
            and (category is None or i.category_id == category))


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _resource(item: Item) -> dict[str, Any]:
    return {"id": item.id, "title": item.title, "status": item.status, "price": item.price,
            "address": item.address, "category": {"id": item.category_id,
                                                  "name": item.category_name},
            "url": item.url}


@router.get("/core/v1/accounts/{user_id}/items/{item_id}/")
@router.get("/core/v1/accounts/{user_id}/items/{item_id}", include_in_schema=False)
async def item_info(
    item_id: int,
    account: Annotated[Account, Depends(authorized("item"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    """Unknown and foreign listings are a 200 with status not_found / another_user."""
    item = account.items.get(item_id)
    if item is None:
        owner = emulator.store.item_owner(item_id)
        status = "not_found" if owner is None else "another_user"
        return {"status": status, "url": None, "start_time": None, "finish_time": None,
                "autoload_item_id": None, "vas": None}
    return {"status": item.status, "url": item.url,
            "start_time": _time(item.start_time), "finish_time": _time(item.finish_time),
            "autoload_item_id": None, "vas": []}


def _time(unix: int | None) -> str | None:
    return None if unix is None else rfc3339(unix)


@router.get("/core/v1/accounts/{user_id}/balance/")
@router.get("/core/v1/accounts/{user_id}/balance", include_in_schema=False)
async def balance(
    account: Annotated[Account, Depends(authorized("balance", foreign_status=404))],
) -> dict[str, Any]:
    """Rubles, as floats (unlike the CPA balance, which is in kopecks)."""
    return {"real": float(account.balance_real), "bonus": float(account.balance_bonus)}


def _account(emulator: Emulator, user_id: int) -> Account:
    account = emulator.store.accounts.get(user_id)
    if account is None:
        raise HTTPException(404, f"no account {user_id}")
    return account


@control_router.post("/accounts/{user_id}/items")
async def add_item(user_id: int, spec: ItemSpec, emulator: EmulatorDep) -> dict[str, Any]:
    try:
        item = emulator.store.add_item(_account(emulator, user_id), spec)
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    return render.control_item(item)


@control_router.patch("/accounts/{user_id}/items/{item_id}")
async def update_item(user_id: int, item_id: int, patch: ItemPatch,
                      emulator: EmulatorDep) -> dict[str, Any]:
    """Chats read their listing live, so the next chat fetch shows the change."""
    item = _account(emulator, user_id).items.get(item_id)
    if item is None:
        raise HTTPException(404, f"no item {item_id} on account {user_id}")
    emulator.store.update_item(item, patch)
    return render.control_item(item)
