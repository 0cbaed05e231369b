"""Linking Telegram users to platform users over REST (issue #12): who may create a code for
whom, a code works once and not after its time, racing redeems, relinking, disabled users,
unlinking, and the bounds of every input. Two shops in every test."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from gateway.identity.telegram_links import UNKNOWN_CODE
from services.kernel.config import KernelSettings
from services.kernel.db import Database
from tests.gateway import bearer
from tests.gateway.telegram_links import (
    LinkWorld,
    Person,
    Shop,
    link_world,
    new_code,
    problem,
    redeem,
)

CODE = re.compile(r"[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}")


@pytest.fixture
async def world(db: Database, settings: KernelSettings) -> AsyncIterator[LinkWorld]:
    async with link_world(db, settings) as world:
        yield world


@pytest.fixture
async def shop(world: LinkWorld) -> Shop:
    return await world.shop("Telegram shop")


@pytest.fixture
async def other(world: LinkWorld) -> Shop:
    return await world.shop("Other shop")


async def key(world: LinkWorld, shop: Shop, scope: str) -> dict[str, str]:
    resp = await world.http.post("/v1/api-keys", headers=shop.admin,
                                 json={"name": scope, "scopes": [scope]})
    assert resp.status_code == 201, resp.text
    return bearer(resp.json()["key"])


async def linked(world: LinkWorld, shop: Shop, telegram_user_id: int) -> dict | None:
    resp = await world.http.get(f"/v1/telegram/links/{telegram_user_id}", headers=shop.admin)
    if resp.status_code == 404:
        return None
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


# --- creating codes ------------------------------------------------------------------------

async def test_a_signed_in_person_gets_a_code_for_themself(world: LinkWorld, shop: Shop) -> None:
    before = datetime.now(UTC)
    for person in (shop.owner, shop.agent):
        code = await new_code(person.session)
        assert CODE.fullmatch(code["code"]), code
        assert code["user_id"] == str(person.user_id)
        assert code["start_command"] == f"/start {code['code']}"
        expires_at = datetime.fromisoformat(code["expires_at"])
        assert before + timedelta(minutes=10) <= expires_at <= datetime.now(UTC) + timedelta(
            minutes=10)
    own = await new_code(shop.agent.session, user_id=str(shop.agent.user_id))
    assert own["user_id"] == str(shop.agent.user_id)
    no_body = await shop.owner.session.post("/v1/telegram/link-codes")
    assert no_body.status_code == 201 and no_body.json()["user_id"] == str(shop.owner.user_id)


async def test_only_an_admin_creates_a_code_for_someone_else(
        world: LinkWorld, shop: Shop, other: Shop) -> None:
    for_agent = await new_code(world.http, shop.admin, user_id=str(shop.agent.user_id))
    assert for_agent["user_id"] == str(shop.agent.user_id)
    by_owner = await new_code(shop.owner.session, user_id=str(shop.agent.user_id))
    assert by_owner["user_id"] == str(shop.agent.user_id)

    refused = await shop.agent.session.post("/v1/telegram/link-codes",
                                            json={"user_id": str(shop.owner.user_id)})
    assert "admin" in problem(refused, 403)
    no_user = await world.http.post("/v1/telegram/link-codes", headers=shop.admin, json={})
    assert "user_id is required" in problem(no_user, 422)
    writer = await key(world, shop, "write")
    as_writer = await world.http.post("/v1/telegram/link-codes", headers=writer,
                                      json={"user_id": str(shop.agent.user_id)})
    problem(as_writer, 403)
    for stranger in (other.agent.user_id, "8d7c63a4-53a4-4a57-9a4b-2b0a4c0e9f11"):
        missing = await world.http.post("/v1/telegram/link-codes", headers=shop.admin,
                                        json={"user_id": str(stranger)})
        assert "not found" in problem(missing, 404)
    problem(await world.http.post("/v1/telegram/link-codes", json={}), 401)


# --- redeeming -----------------------------------------------------------------------------

async def test_a_code_links_once_and_the_lookup_shows_who_and_what_role(
        world: LinkWorld, shop: Shop) -> None:
    code = (await new_code(shop.agent.session))["code"]
    resp = await redeem(world, shop, code, 555_000_001, "@maria_shop")
    assert resp.status_code == 201, resp.text
    link = resp.json()
    assert link["telegram_user_id"] == 555_000_001
    assert link["telegram_username"] == "maria_shop"
    assert link["user"] == {"id": str(shop.agent.user_id), "email": shop.agent.email,
                            "name": "Мария", "role": "agent", "active": True}
    assert await linked(world, shop, 555_000_001) == link

    again = await redeem(world, shop, code, 555_000_002)
    assert problem(again, 422) == UNKNOWN_CODE
    assert await linked(world, shop, 555_000_002) is None
    listed = (await world.http.get("/v1/telegram/links", headers=shop.admin)).json()["items"]
    assert listed == [link]


async def test_a_code_is_typed_in_any_case_with_or_without_its_dash(
        world: LinkWorld, shop: Shop) -> None:
    code = (await new_code(shop.owner.session))["code"]
    resp = await redeem(world, shop, f"  {code.replace('-', '').lower()} ", 555_000_010)
    assert resp.status_code == 201, resp.text
    for unknown in ("AAAAA-AAAAA", "not a code", "0O1I0-O1I0O", "К7РQМ-3ХZ9R"):
        assert problem(await redeem(world, shop, unknown, 555_000_011), 422) == UNKNOWN_CODE


async def test_a_new_code_ends_the_earlier_one(world: LinkWorld, shop: Shop) -> None:
    first = (await new_code(shop.agent.session))["code"]
    second = (await new_code(world.http, shop.admin, user_id=str(shop.agent.user_id)))["code"]
    assert problem(await redeem(world, shop, first, 555_000_020), 422) == UNKNOWN_CODE
    assert (await redeem(world, shop, second, 555_000_020)).status_code == 201


async def test_a_code_works_until_it_expires(world: LinkWorld, shop: Shop) -> None:
    ttl = timedelta(seconds=world.settings.telegram_link_code_ttl_s)
    assert ttl == timedelta(minutes=10)
    start = datetime.now(UTC)
    early, late = (await new_code(shop.agent.session))["code"], None
    world.links.clock = lambda: start + ttl - timedelta(seconds=5)
    assert (await redeem(world, shop, early, 555_000_030)).status_code == 201
    world.links.clock = lambda: datetime.now(UTC)
    late = (await new_code(shop.owner.session))["code"]
    world.links.clock = lambda: datetime.now(UTC) + ttl + timedelta(seconds=1)
    assert problem(await redeem(world, shop, late, 555_000_031), 422) == UNKNOWN_CODE
    assert await linked(world, shop, 555_000_031) is None


async def test_of_racing_redeems_of_one_code_exactly_one_wins(
        world: LinkWorld, shop: Shop) -> None:
    code = (await new_code(shop.agent.session))["code"]
    ids = [555_000_040 + n for n in range(6)]
    answers = await asyncio.gather(*(redeem(world, shop, code, tg) for tg in ids))
    won = [tg for tg, resp in zip(ids, answers, strict=True) if resp.status_code == 201]
    assert len(won) == 1, [resp.text for resp in answers]
    assert all(problem(resp, 422) == UNKNOWN_CODE for resp in answers if resp.status_code != 201)
    links = (await world.http.get("/v1/telegram/links", headers=shop.admin)).json()["items"]
    assert [link["telegram_user_id"] for link in links] == won


async def test_racing_links_of_one_account_leave_one_link(world: LinkWorld, shop: Shop) -> None:
    people = [shop.agent, shop.owner, await world.person(shop.tenant_id, "admin", "Пётр")]
    codes = [(await new_code(p.session))["code"] for p in people]
    answers = await asyncio.gather(*(redeem(world, shop, c, 555_000_050) for c in codes))
    assert [resp.status_code for resp in answers] == [201, 201, 201], [r.text for r in answers]
    links = (await world.http.get("/v1/telegram/links", headers=shop.admin)).json()["items"]
    assert len(links) == 1 and links[0]["telegram_user_id"] == 555_000_050
    assert links[0]["user"]["id"] in {str(p.user_id) for p in people}


async def test_linking_again_replaces_the_earlier_link(world: LinkWorld, shop: Shop) -> None:
    async def link(person: Person, tg: int) -> None:
        code = (await new_code(person.session))["code"]
        assert (await redeem(world, shop, code, tg)).status_code == 201

    await link(shop.agent, 555_000_060)
    await link(shop.agent, 555_000_061)  # the agent's new phone: the old account is unlinked
    assert await linked(world, shop, 555_000_060) is None
    assert (await linked(world, shop, 555_000_061))["user"]["id"] == str(shop.agent.user_id)
    await link(shop.owner, 555_000_061)  # the owner takes that account over
    assert (await linked(world, shop, 555_000_061))["user"]["id"] == str(shop.owner.user_id)
    links = (await world.http.get("/v1/telegram/links", headers=shop.admin)).json()["items"]
    assert [(x["telegram_user_id"], x["user"]["role"]) for x in links] == [(555_000_061, "owner")]


# --- disabled users ------------------------------------------------------------------------

async def test_a_disabled_user_cannot_be_linked_and_a_linked_one_loses_power(
        world: LinkWorld, shop: Shop) -> None:
    pending = (await new_code(world.http, shop.admin, user_id=str(shop.agent.user_id)))["code"]
    linked_code = (await new_code(shop.owner.session))["code"]
    assert (await redeem(world, shop, linked_code, 555_000_070)).status_code == 201
    await world.disable(shop.tenant_id, shop.agent.user_id)
    assert "disabled" in problem(await redeem(world, shop, pending, 555_000_071), 409)
    assert await linked(world, shop, 555_000_071) is None
    refused = await world.http.post("/v1/telegram/link-codes", headers=shop.admin,
                                    json={"user_id": str(shop.agent.user_id)})
    assert "disabled" in problem(refused, 409)

    await world.disable(shop.tenant_id, shop.owner.user_id)
    found = await linked(world, shop, 555_000_070)
    assert found is not None and found["user"]["active"] is False
    listed = (await world.http.get("/v1/telegram/links", headers=shop.admin)).json()["items"]
    assert [x["user"]["active"] for x in listed] == [False]


# --- unlinking -----------------------------------------------------------------------------

async def test_a_person_unlinks_themself_an_admin_anyone(world: LinkWorld, shop: Shop) -> None:
    for person, tg in ((shop.agent, 555_000_080), (shop.owner, 555_000_081)):
        code = (await new_code(person.session))["code"]
        assert (await redeem(world, shop, code, tg)).status_code == 201
    refused = await shop.agent.session.delete("/v1/telegram/links/555000081")
    assert "your own" in problem(refused, 403)
    reader = await key(world, shop, "read")
    problem(await world.http.delete("/v1/telegram/links/555000081", headers=reader), 403)
    assert await linked(world, shop, 555_000_081) is not None

    own = await shop.agent.session.delete("/v1/telegram/links/555000080")
    assert own.status_code == 204, own.text
    assert await linked(world, shop, 555_000_080) is None
    assert "not linked" in problem(await shop.agent.session.delete(
        "/v1/telegram/links/555000080"), 404)
    by_admin = await world.http.delete("/v1/telegram/links/555000081", headers=shop.admin)
    assert by_admin.status_code == 204, by_admin.text
    assert (await world.http.get("/v1/telegram/links", headers=shop.admin)).json()["items"] == []


# --- scopes and bounds ---------------------------------------------------------------------

async def test_redeeming_and_reading_links_need_the_admin_scope(
        world: LinkWorld, shop: Shop) -> None:
    code = (await new_code(shop.agent.session))["code"]
    writer = await key(world, shop, "write")
    body = {"code": code, "telegram_user_id": 555_000_090}
    problem(await world.http.post("/v1/telegram/links", headers=writer, json=body), 403)
    problem(await shop.agent.session.post("/v1/telegram/links", json=body), 403)
    problem(await world.http.get("/v1/telegram/links", headers=writer), 403)
    problem(await world.http.get("/v1/telegram/links/555000090", headers=writer), 403)
    assert (await redeem(world, shop, code, 555_000_090)).status_code == 201  # still unused


@pytest.mark.parametrize("body, field", [
    ({"telegram_user_id": 0}, "telegram_user_id"),
    ({"telegram_user_id": -5}, "telegram_user_id"),
    ({"telegram_user_id": 2**63}, "telegram_user_id"),
    ({"telegram_user_id": "many"}, "telegram_user_id"),
    ({"telegram_username": "x" * 65}, "telegram_username"),
    ({"telegram_username": "nul\u0000"}, "telegram_username"),
    ({"code": "A" * 65}, "code"),
    ({"code": ""}, "code"),
    ({"extra": 1}, "extra"),
])
async def test_bad_input_is_a_422_naming_the_field(
        world: LinkWorld, shop: Shop, body: dict, field: str) -> None:
    code = (await new_code(shop.agent.session))["code"]
    resp = await world.http.post("/v1/telegram/links", headers=shop.admin, json={
        "code": code, "telegram_user_id": 555_000_100, **body})
    assert field in problem(resp, 422)
    assert (await redeem(world, shop, code, 555_000_100)).status_code == 201  # code not spent


@pytest.mark.parametrize("path", ["0", "-1", str(2**63), "abc", "1.5"])
async def test_a_bad_telegram_id_in_the_path_is_a_422(world: LinkWorld, shop: Shop,
                                                      path: str) -> None:
    problem(await world.http.get(f"/v1/telegram/links/{path}", headers=shop.admin), 422)
    problem(await world.http.delete(f"/v1/telegram/links/{path}", headers=shop.admin), 422)
    bad_user = await world.http.post("/v1/telegram/link-codes", headers=shop.admin,
                                     json={"user_id": path})
    assert "user_id" in problem(bad_user, 422)


async def test_a_64_bit_telegram_id_is_kept_whole(world: LinkWorld, shop: Shop) -> None:
    code = (await new_code(shop.agent.session))["code"]
    huge = 2**63 - 1
    assert (await redeem(world, shop, code, huge)).status_code == 201
    found = await linked(world, shop, huge)
    assert found is not None and found["telegram_user_id"] == huge
