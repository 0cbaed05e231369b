"""Listings (list, info, their pictures), the wallet, and editing listings through the control
plane."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from PIL import Image

from tests.emulators.avito.helpers import RFC3339_Z, Avito, Seller, bearer


async def items_page(avito: Avito, seller: Seller, **params: Any) -> dict[str, Any]:
    response = await avito.http.get("/core/v1/items", params=params, headers=seller.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_items_list_pages_and_filters_by_status(avito: Avito) -> None:
    specs = [{"title": f"Лот {n}", "price": 1000 * n} for n in range(1, 6)]
    specs += [{"title": "Снято", "price": None, "status": "removed"},
              {"title": "Старое", "price": 10, "status": "old"}]
    seller = await avito.seller(items=specs)
    first = await items_page(avito, seller, per_page=2)
    assert first["meta"] == {"page": 1, "per_page": 2}
    resource = first["resources"][0]
    assert set(resource) == {"id", "title", "status", "price", "address", "category", "url"}
    assert resource["title"] == "Лот 1" and resource["price"] == 1000
    assert resource["status"] == "active" and set(resource["category"]) == {"id", "name"}
    titles = []
    for page in (1, 2, 3):
        titles += [r["title"] for r in (await items_page(avito, seller, per_page=2,
                                                         page=page))["resources"]]
    assert titles == [f"Лот {n}" for n in range(1, 6)]
    inactive = await items_page(avito, seller, status="removed,old")
    assert [(r["title"], r["price"]) for r in inactive["resources"]] == [("Снято", None),
                                                                        ("Старое", 10)]
    other = await avito.seller()
    assert (await items_page(avito, other))["resources"] == []


async def test_items_list_errors_are_flat(avito: Avito) -> None:
    seller = await avito.seller()
    for params in ({"per_page": 0}, {"page": 0}, {"status": "sold"},
                   {"updatedAtFrom": "yesterday"}):
        response = await avito.http.get("/core/v1/items", params=params, headers=seller.headers)
        assert response.status_code == 400, params
        body = response.json()
        assert set(body) == {"code", "message"} and isinstance(body["code"], str)
    unauthorized = await avito.http.get("/core/v1/items")
    assert unauthorized.status_code == 401
    assert unauthorized.json() == {"code": "unauthorized", "message": "Unauthorized"}


async def test_items_updated_since(avito: Avito) -> None:
    account = await avito.account(items=[{"title": "Старый", "price": 1}])
    await avito.advance(3 * 86_400)
    seller = Seller(account["user_id"], account, bearer(await avito.token(account)))
    await avito.ok("POST", f"/_emulator/accounts/{seller.user_id}/items",
                   json={"title": "Свежий", "price": 2})
    now = (await avito.ok("POST", "/_emulator/clock", json={"advance_seconds": 0}))["now"]
    today = datetime.fromtimestamp(now, UTC).date().isoformat()
    fresh = await items_page(avito, seller, updatedAtFrom=today)
    assert [r["title"] for r in fresh["resources"]] == ["Свежий"]


async def test_item_info_for_own_unknown_and_foreign_items(avito: Avito) -> None:
    seller = await avito.seller(items=[{"title": "Шкаф", "price": 5000}])
    other = await avito.seller(items=[{"title": "Стол", "price": 100}])
    path = f"/core/v1/accounts/{seller.user_id}/items/{{}}/"
    own = (await avito.http.get(path.format(seller.item_ids[0]), headers=seller.headers)).json()
    assert own["status"] == "active" and own["url"] == seller.account["items"][0]["url"]
    assert RFC3339_Z.match(own["start_time"]) and RFC3339_Z.match(own["finish_time"])
    assert own["autoload_item_id"] is None and own["vas"] == []
    no_slash = await avito.http.get(path.format(seller.item_ids[0]).rstrip("/"),
                                    headers=seller.headers)
    assert no_slash.json() == own
    for item_id, status in ((1234567890, "not_found"), (other.item_ids[0], "another_user")):
        response = await avito.http.get(path.format(item_id), headers=seller.headers)
        assert response.status_code == 200
        assert response.json() == {"status": status, "url": None, "start_time": None,
                                   "finish_time": None, "autoload_item_id": None, "vas": None}


async def test_balance_in_rubles_and_404_for_other_accounts(avito: Avito) -> None:
    seller = await avito.seller(balance={"real": 1520.5, "bonus": 300})
    other = await avito.seller()
    for path in (f"/core/v1/accounts/{seller.user_id}/balance/",
                 f"/core/v1/accounts/{seller.user_id}/balance"):
        response = await avito.http.get(path, headers=seller.headers)
        assert response.json() == {"real": 1520.5, "bonus": 300.0}
    foreign = await avito.http.get(f"/core/v1/accounts/{seller.user_id}/balance/",
                                   headers=other.headers)
    assert foreign.status_code == 404
    assert foreign.json() == {"error": {"code": 404, "message": "Not found"}}
    await avito.ok("PATCH", f"/_emulator/accounts/{other.user_id}",
                   json={"balance": {"real": 10, "bonus": 0}})
    mine = await avito.http.get(f"/core/v1/accounts/{other.user_id}/balance/",
                                headers=other.headers)
    assert mine.json() == {"real": 10.0, "bonus": 0.0}


async def test_chat_context_follows_item_edits(avito: Avito) -> None:
    seller = await avito.seller(items=[{"title": "Велосипед Stels", "price": 18500}])
    chat_id = (await avito.incoming(seller))["chat_id"]

    async def context() -> dict[str, Any]:
        chat = (await avito.http.get(seller.chats_path(f"/{chat_id}"),
                                     headers=seller.headers)).json()
        return dict(chat["context"]["value"])

    before = await context()
    assert before["title"] == "Велосипед Stels" and before["price_string"] == "18 500 ₽"
    item_id = seller.item_ids[0]
    patched = await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}/items/{item_id}",
                             json={"title": "Велосипед Stels Navigator", "price": 17000,
                                   "image_url": "https://img.example/bike.jpg",
                                   "url": "https://www.avito.ru/moskva/velosipedy/stels_1"})
    assert patched["price_string"] == "17 000 ₽"
    after = await context()
    assert after["title"] == "Велосипед Stels Navigator" and after["price_string"] == "17 000 ₽"
    assert after["images"]["main"]["140x105"] == "https://img.example/bike.jpg"
    assert after["url"] == "https://www.avito.ru/moskva/velosipedy/stels_1"
    await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}/items/{item_id}",
                   json={"status": "removed"})
    assert (await context())["status_id"] == 20


async def test_listing_pictures_are_served_by_the_emulator(avito: Avito) -> None:
    """No internet in the sandbox: a listing without a picture of its own gets the emulator's,
    a JPEG at the size named in its URL; a chat's listing and a shared item card point there."""
    seller = await avito.seller(items=[{"title": "Велосипед Stels", "price": 18500}])
    chat_id = (await avito.incoming(seller))["chat_id"]
    chat = (await avito.http.get(seller.chats_path(f"/{chat_id}"), headers=seller.headers)).json()
    url = chat["context"]["value"]["images"]["main"]["140x105"]
    assert url == f"{avito.http.base_url}/_emulator/item-images/140x105/{seller.item_ids[0]}.jpg"
    picture = await avito.http.get(url)  # public, as Avito's CDN: no token
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(picture.content)) as image:
        assert (image.format, image.size) == ("JPEG", (140, 105))
    card = await avito.incoming(seller, chat_id=chat_id, type="item")
    assert card["content"]["item"]["image_url"] == url
    large = await avito.http.get(url.replace("/140x105/", "/640x480/"))
    with Image.open(io.BytesIO(large.content)) as image:
        assert image.size == (640, 480)
    for wrong in (url.replace("/140x105/", "/7x7/"), url.replace(f"/{seller.item_ids[0]}.", "/1.")):
        assert (await avito.http.get(wrong)).status_code == 404


async def test_control_adds_and_patches_items(avito: Avito) -> None:
    seller = await avito.seller()
    added = await avito.ok("POST", f"/_emulator/accounts/{seller.user_id}/items",
                           json={"title": "Кресло", "price": 7000, "id": 4000000001,
                                 "image_url": "https://img.example/chair.jpg"})
    assert added == {"id": 4000000001, "title": "Кресло", "price": 7000,
                     "url": "https://www.avito.ru/moskva/tovary/4000000001", "status": "active",
                     "image_url": "https://img.example/chair.jpg", "price_string": "7 000 ₽"}
    again = await avito.http.post(f"/_emulator/accounts/{seller.user_id}/items",
                                  json={"title": "x", "price": 1, "id": 4000000001})
    assert again.status_code == 409
    cleared = await avito.ok("PATCH", f"/_emulator/accounts/{seller.user_id}/items/4000000001",
                             json={"price": None})
    assert cleared["price"] is None and cleared["price_string"] is None
    assert cleared["title"] == "Кресло"
    missing = await avito.http.patch(f"/_emulator/accounts/{seller.user_id}/items/1",
                                     json={"title": "x"})
    assert missing.status_code == 404
    listed = (await avito.control("/accounts"))["accounts"][0]["items"]
    assert [i["id"] for i in listed] == [4000000001]
