"""The public API for media and message actions: uploads and their refusals (problem+json),
voice messages played through a redirect, blocking a buyer, deleting and sending images
through GraphQL, and a second tenant seeing none of it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant
from tests.services.channels.test_outbound_media import png, upload

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Actions seller")


@pytest.fixture
async def other(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Another seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def write(platform: RunningPlatform, shop: SandboxShop, **spec: Any) -> dict[str, Any]:
    resp = await platform.emulator.post(f"/_emulator/accounts/{shop.user_id}/incoming",
                                        json=spec)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def landed(tenant: Tenant, written: dict[str, Any]) -> tuple[dict, dict]:
    """(conversation, message) once the buyer's message is stored."""
    async def find() -> tuple[dict, dict] | None:
        for conversation in (await tenant.http.get("/v1/conversations")).json()["items"]:
            if conversation["external_chat_id"] != written["chat_id"]:
                continue
            items = (await tenant.http.get(
                f"/v1/conversations/{conversation['id']}/messages")).json()["items"]
            found = next((m for m in items
                          if m["external_message_id"] == written["message_id"]), None)
            if found is not None:
                return conversation, found
        return None
    return await eventually(find, within=15)  # type: ignore[no-any-return]


async def gql(tenant: Tenant, query: str, **variables: Any) -> dict[str, Any]:
    resp = await tenant.http.post("/graphql", json={"query": query, "variables": variables})
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def test_bad_media_is_refused_with_problem_json(seller: Tenant) -> None:
    text_file = await upload(seller, b"just some notes\n", "notes.png", "image/png")
    assert text_file.status_code == 422
    assert text_file.headers["content-type"] == PROBLEM
    assert "JPEG, PNG, GIF, BMP or HEIC" in text_file.json()["detail"]
    too_big = await upload(seller, png() + b"\0" * (24 * 1024 * 1024))
    assert too_big.status_code == 422 and too_big.headers["content-type"] == PROBLEM
    assert "24 MB" in too_big.json()["detail"]
    for kind, head in (("jpeg", b"\xff\xd8\xff\xe0"), ("gif", b"GIF89a"),
                       ("heic", b"\0\0\0\x18ftypheic"), ("bmp", b"BM")):
        accepted = await upload(seller, head + b"\0" * 64, f"x.{kind}", "application/octet-stream")
        assert accepted.status_code == 201, (kind, accepted.text)


async def test_sends_with_wrong_attachments_are_refused(platform: RunningPlatform,
                                                        seller: Tenant, shop: SandboxShop,
                                                        other: Tenant) -> None:
    conversation, _ = await landed(seller, await write(platform, shop, text="Здравствуйте"))
    path = f"/v1/conversations/{conversation['id']}/messages"
    theirs = (await upload(other, png())).json()["media_id"]
    for body, status in (({"text": ""}, 422),
                         ({"attachments": [{"kind": "image", "media_id": theirs}]}, 422),
                         ({"attachments": [{"kind": "video", "media_id": theirs}]}, 422),
                         ({"attachments": [{"kind": "image", "media_id": theirs}] * 11}, 422)):
        resp = await seller.http.post(path, json=body)
        assert resp.status_code == status, (body, resp.text)
        assert resp.headers["content-type"] == PROBLEM
    unknown = await seller.http.post(path, json={"attachments": [{"kind": "image",
                                                                  "media_id": theirs}]})
    assert "upload it first" in unknown.json()["detail"]  # another tenant's file is unknown here


async def test_a_voice_message_redirects_to_a_working_url(platform: RunningPlatform,
                                                          seller: Tenant, shop: SandboxShop,
                                                          other: Tenant) -> None:
    conversation, voice = await landed(seller, await write(platform, shop, type="voice"))
    assert [(a["kind"], a["url"]) for a in voice["attachments"]] == [("voice", "")]
    path = f"/v1/conversations/{conversation['id']}/messages/{voice['id']}/voice"
    first = await seller.http.get(path)
    assert first.status_code == 307 and first.headers["cache-control"] == "no-store"
    async with httpx.AsyncClient() as http:
        played = await http.get(first.headers["location"])
    assert played.status_code == 200 and played.headers["content-type"] == "audio/mp4"
    assert (await seller.http.get(path)).headers["location"] == first.headers["location"]

    _, text = await landed(seller, await write(platform, shop, chat_id=conversation[
        "external_chat_id"], text="И ещё вопрос"))
    no_voice = await seller.http.get(
        f"/v1/conversations/{conversation['id']}/messages/{text['id']}/voice")
    assert no_voice.status_code == 404 and no_voice.headers["content-type"] == PROBLEM
    assert (await other.http.get(path)).status_code == 404


async def test_blocking_the_buyer_reaches_avito(platform: RunningPlatform, seller: Tenant,
                                                shop: SandboxShop, other: Tenant) -> None:
    written = await write(platform, shop, text="Купите лучше у меня")
    conversation, _ = await landed(seller, written)
    path = f"/v1/conversations/{conversation['id']}/block"
    assert (await other.http.post(path, json={"reason": "spam"})).status_code == 404
    assert (await seller.http.post(path, json={"reason": "rude"})).status_code == 422
    blocked = await seller.http.post(path, json={"reason": "spam"})
    assert blocked.status_code == 200, blocked.text
    assert blocked.json()["external_user_id"] == str(written["author_id"])
    entries = (await platform.emulator.get(
        f"/_emulator/accounts/{shop.user_id}/blacklist")).json()["blacklist"]
    assert [(e["user_id"], e["reason_id"], e["item_id"]) for e in entries] == [
        (written["author_id"], 1, int(conversation["listing"]["external_id"]))]
    again = await platform.emulator.post(f"/_emulator/accounts/{shop.user_id}/incoming",
                                         json={"chat_id": written["chat_id"], "text": "Эй"})
    assert again.status_code == 409  # Avito no longer lets them write


SEND = """mutation($id: ID!, $media: ID!) { sendMessage(input: {conversationId: $id,
  attachments: [{kind: "image", mediaId: $media}]}) { id contentType status
  attachments { kind externalId } } }"""
DELETE = """mutation($c: ID!, $m: ID!) { deleteMessage(conversationId: $c, messageId: $m) {
  id contentType } }"""
BLOCK = """mutation($c: ID!) { blockContact(conversationId: $c, reason: FRAUD) { id } }"""
MESSAGE = """query($c: ID!) { messages(conversationId: $c, first: 10) {
  edges { node { id contentType status text } } } }"""


async def test_graphql_sends_an_image_deletes_it_and_blocks(platform: RunningPlatform,
                                                            seller: Tenant, shop: SandboxShop,
                                                            other: Tenant) -> None:
    written = await write(platform, shop, text="Покажите фото")
    conversation, _ = await landed(seller, written)
    media_id = (await upload(seller, png())).json()["media_id"]
    sent = await gql(seller, SEND, id=conversation["id"], media=media_id)
    assert "errors" not in sent, sent
    message = sent["data"]["sendMessage"]
    assert message["contentType"] == "image"
    assert message["attachments"] == [{"kind": "image", "externalId": media_id}]

    async def status(wanted: str, field: str = "status") -> bool:
        body = await gql(seller, MESSAGE, c=conversation["id"])
        nodes = [e["node"] for e in body["data"]["messages"]["edges"]]
        return any(n["id"] == message["id"] and n[field] == wanted for n in nodes)
    await eventually(lambda: status("SENT"), within=15)

    denied = await gql(other, DELETE, c=conversation["id"], m=message["id"])
    assert [e["extensions"]["code"] for e in denied["errors"]] == ["NOT_FOUND"]
    deleting = await gql(seller, DELETE, c=conversation["id"], m=message["id"])
    assert deleting["data"]["deleteMessage"]["id"] == message["id"]
    await eventually(lambda: status("deleted", "contentType"), within=15)

    assert [e["extensions"]["code"] for e in
            (await gql(other, BLOCK, c=conversation["id"]))["errors"]] == ["NOT_FOUND"]
    assert (await gql(seller, BLOCK, c=conversation["id"]))["data"]["blockContact"]["id"] \
        == conversation["id"]
    entries = (await platform.emulator.get(
        f"/_emulator/accounts/{shop.user_id}/blacklist")).json()["blacklist"]
    assert [(e["user_id"], e["reason_id"]) for e in entries] == [(written["author_id"], 2)]


async def test_another_tenant_cannot_delete_in_or_send_from_a_conversation(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, other: Tenant) -> None:
    conversation, _ = await landed(seller, await write(platform, shop, text="Здравствуйте"))
    queued = (await seller.http.post(f"/v1/conversations/{conversation['id']}/messages",
                                     json={"text": "Добрый день"})).json()
    deleted = await other.http.delete(
        f"/v1/conversations/{conversation['id']}/messages/{queued['id']}")
    assert deleted.status_code == 404 and deleted.headers["content-type"] == PROBLEM
    mine = (await upload(other, png())).json()["media_id"]
    into = await other.http.post(f"/v1/conversations/{conversation['id']}/messages",
                                 json={"attachments": [{"kind": "image", "media_id": mine}]})
    assert into.status_code == 404
    key = (await seller.http.post("/v1/api-keys", json={"name": "viewer", "scopes": ["read"]})
           ).json()["key"]
    viewer = {"Authorization": f"Bearer {key}"}
    for method, path in (("POST", "/v1/media"),
                         ("DELETE", f"/v1/conversations/{conversation['id']}/messages/"
                                    f"{queued['id']}"),
                         ("POST", f"/v1/conversations/{conversation['id']}/block")):
        files = {"file": ("a.png", png())} if path == "/v1/media" else None
        resp = await seller.http.request(method, path, headers=viewer, files=files)
        assert resp.status_code == 403, (path, resp.text)  # writing needs the write scope
