"""A big sandbox stays fast, and chat paging keeps Avito's offset cap."""

from __future__ import annotations

import time

from switchboard.emulators.avito.schemas import AccountSpec, IncomingSpec, ItemSpec
from tests.emulators.avito.helpers import Avito, Seller, Start, bearer

ACCOUNTS = 100
CHATS_PER_ACCOUNT = 50
BIG_ACCOUNT_CHATS = 1_150


async def seeded(avito: Avito, items: int, chats: int) -> Seller:
    """Seed in-process (HTTP would only slow the setup down), then talk HTTP to it."""
    emulator = avito.emulator
    spec = AccountSpec(items=[ItemSpec(title=f"Лот {n}", price=100 * n) for n in range(items)])
    account = emulator.store.create_account(spec)
    item_ids = list(account.items)
    for n in range(chats):
        written = emulator.receive(account, IncomingSpec(item_id=item_ids[n % len(item_ids)],
                                                         text="Здравствуйте!"))
        emulator.receive(account, IncomingSpec(chat_id=written.chat.id, text="Актуально?"))
    credentials = {"client_id": account.client_id, "client_secret": account.client_secret}
    return Seller(account.user_id, {"user_id": account.user_id},
                  bearer(await avito.token(credentials)))


async def test_many_accounts_with_many_chats_and_items_stay_fast(start: Start) -> None:
    avito = await start(seed=1, rate_limit_per_minute=100_000, rate_limits={"items": 100_000})
    sellers = [await seeded(avito, items=20, chats=CHATS_PER_ACCOUNT) for _ in range(ACCOUNTS)]
    started = time.perf_counter()
    for seller in sellers:
        chats = (await avito.http.get(seller.chats_path(), params={"limit": 20},
                                      headers=seller.headers)).json()
        assert len(chats["chats"]) == 20 and chats["meta"]["has_more"] is True
        chat_id = chats["chats"][0]["id"]
        messages = await avito.http.get(seller.messages_path(chat_id), headers=seller.headers)
        assert len(messages.json()["messages"]) == 2
        items = await avito.http.get("/core/v1/items", params={"per_page": 10, "page": 2},
                                     headers=seller.headers)
        assert len(items.json()["resources"]) == 10
    # Three calls per account; generous, but a per-call scan of the whole sandbox would not fit.
    assert time.perf_counter() - started < ACCOUNTS * 3 * 0.02


async def test_paging_past_a_thousand_chats_stops_at_the_offset_cap(start: Start) -> None:
    avito = await start(seed=2, rate_limit_per_minute=100_000)
    seller = await seeded(avito, items=3, chats=BIG_ACCOUNT_CHATS)
    seen: list[str] = []
    offset, has_more = 0, True
    while has_more and offset <= 1000:
        page = (await avito.http.get(seller.chats_path(), params={"limit": 100, "offset": offset},
                                     headers=seller.headers)).json()
        seen += [chat["id"] for chat in page["chats"]]
        has_more, offset = page["meta"]["has_more"], offset + 100
    assert len(seen) == 1100 == len(set(seen))
    assert has_more is True  # 50 more chats exist, but Avito lets nobody page past 1000
    beyond = await avito.http.get(seller.chats_path(), params={"offset": 1100},
                                  headers=seller.headers)
    assert beyond.status_code == 400
    newest = avito.emulator.store.accounts[seller.user_id]
    assert seen[0] == next(reversed(newest.chats))
