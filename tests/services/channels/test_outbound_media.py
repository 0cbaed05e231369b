"""Sending to Avito beyond one short text, end to end through the public API: long texts in
ordered parts, images (upload, then send), exactly once under redelivery, and deleting replies
within Avito's hour.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from services.kernel.bus import Bus
from switchboard.emulators.avito import AvitoEmulatorSettings, create_app
from switchboard.http_server import BackgroundServer
from tests.fixtures.events import Recorder, eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


async def upload(tenant: Tenant, content: bytes, filename: str = "photo.png",
                 mime: str = "image/png") -> httpx.Response:
    return await tenant.http.post("/v1/media", files={"file": (filename, content, mime)})


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Media seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def conversation_of(tenant: Tenant, chat_id: str) -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        items = (await tenant.http.get("/v1/conversations")).json()["items"]
        return next((c for c in items if c["external_chat_id"] == chat_id), None)
    return await eventually(find, within=15)  # type: ignore[no-any-return]


async def buyer_chat(platform: RunningPlatform, tenant: Tenant,
                     shop: SandboxShop) -> tuple[str, dict[str, Any]]:
    written = await platform.buyer_writes(shop, "Здравствуйте! Пришлите фото, пожалуйста.")
    return written["chat_id"], await conversation_of(tenant, written["chat_id"])


async def reply(tenant: Tenant, conversation_id: str, **body: Any) -> dict[str, Any]:
    resp = await tenant.http.post(f"/v1/conversations/{conversation_id}/messages", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def message_when(tenant: Tenant, conversation_id: str, message_id: str,
                       check: Any) -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        items = (await tenant.http.get(
            f"/v1/conversations/{conversation_id}/messages")).json()["items"]
        found = next((m for m in items if m["id"] == message_id), None)
        return found if found is not None and check(found) else None
    return await eventually(find, within=20)  # type: ignore[no-any-return]


async def sent(tenant: Tenant, conversation_id: str, message_id: str) -> dict[str, Any]:
    return await message_when(tenant, conversation_id, message_id,
                              lambda m: m["status"] in ("sent", "failed"))


async def avito_chat(emulator: httpx.AsyncClient, user_id: int, chat_id: str) -> list[dict]:
    resp = await emulator.get(f"/_emulator/accounts/{user_id}/chats/{chat_id}")
    return resp.raise_for_status().json()["messages"]  # type: ignore[no-any-return]


def seller_messages(messages: list[dict], user_id: int) -> list[dict]:
    return [m for m in messages if m["author_id"] == user_id]


def uploads() -> float:
    return REGISTRY.get_sample_value("switchboard_avito_requests_total",
                                     {"endpoint": "upload_images", "status": "200"}) or 0.0


LONG = " ".join(f"Предложение номер {n} о том, как мы упакуем и отправим диван." for n in
                range(1, 45))


async def test_a_long_text_arrives_as_ordered_parts(platform: RunningPlatform, seller: Tenant,
                                                    shop: SandboxShop) -> None:
    assert 2400 < len(LONG) < 2700
    chat, conversation = await buyer_chat(platform, seller, shop)
    queued = await reply(seller, conversation["id"], text=LONG)
    assert (await sent(seller, conversation["id"], queued["id"]))["status"] == "sent"
    parts = [s["text"] for s in await platform.sent(shop) if s["chat_id"] == chat]
    assert len(parts) == 3 and all(len(p) <= 1000 for p in parts)
    assert " ".join(parts) == LONG  # in order, cut only at sentence ends
    assert all(p.endswith(".") for p in parts)


async def test_an_uploaded_image_is_sent_after_the_text(platform: RunningPlatform,
                                                        seller: Tenant, shop: SandboxShop) -> None:
    chat, conversation = await buyer_chat(platform, seller, shop)
    image = png()
    stored = await upload(seller, image)
    assert stored.status_code == 201, stored.text
    assert stored.json()["size"] == len(image)
    media_id = stored.json()["media_id"]
    queued = await reply(seller, conversation["id"], text="Вот фото",
                         attachments=[{"kind": "image", "media_id": media_id}])
    assert queued["content_type"] == "text"
    assert [(a["kind"], a["external_id"]) for a in queued["attachments"]] == [("image", media_id)]
    assert (await sent(seller, conversation["id"], queued["id"]))["status"] == "sent"
    ours = seller_messages(await avito_chat(platform.emulator, shop.user_id, chat), shop.user_id)
    assert [m["type"] for m in ours] == ["text", "image"]
    assert ours[0]["content"]["text"] == "Вот фото"
    picture = next(iter(ours[1]["content"]["image"]["sizes"].values()))
    async with httpx.AsyncClient() as http:
        assert (await http.get(picture)).content == image  # what Avito got is our file

    only = await reply(seller, conversation["id"],
                       attachments=[{"kind": "image", "media_id": media_id}])
    assert (only["content_type"], only["text"]) == ("image", "")
    assert (await sent(seller, conversation["id"], only["id"]))["status"] == "sent"
    ours = seller_messages(await avito_chat(platform.emulator, shop.user_id, chat), shop.user_id)
    assert [m["type"] for m in ours] == ["text", "image", "image"]
    # The echoes of the parts were recognised as ours: no reply "from the Avito app".
    listed = (await seller.http.get(
        f"/v1/conversations/{conversation['id']}/messages")).json()["items"]
    assert [m["sender"] for m in listed if m["direction"] == "outbound"] == ["user", "user"]


async def test_a_redelivered_send_with_images_does_not_upload_or_send_twice(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, bus: Bus) -> None:
    chat, conversation = await buyer_chat(platform, seller, shop)
    media = [(await upload(seller, png(n + 1, 1))).json()["media_id"] for n in range(2)]
    subject = f"sb.conversations.{seller.tenant_id}.message.send_requested"
    async with Recorder(bus, subject) as requests:
        queued = await reply(seller, conversation["id"], text="Два фото",
                             attachments=[{"kind": "image", "media_id": m} for m in media])
        await sent(seller, conversation["id"], queued["id"])
        command = requests.messages[0][1]
    before = (seller_messages(await avito_chat(platform.emulator, shop.user_id, chat),
                              shop.user_id), uploads())
    assert [m["type"] for m in before[0]] == ["text", "image", "image"]

    await bus.publish(subject, command, msg_id=f"redelivery-{uuid.uuid4()}")  # sent: skipped
    # A replica died after Avito took every part, before it recorded the send (longer ago
    # than the attempt's lease: sooner, its requests might still be on their way).
    async with platform.db.unit_of_work(seller.tenant_id) as session:
        await session.execute(text(
            "UPDATE channels.outbound_sends SET status = 2, "
            "updated_at = now() - interval '10 minutes' WHERE message_id = :m"),
            {"m": uuid.UUID(queued["id"])})
    await bus.publish(subject, command, msg_id=f"redelivery-{uuid.uuid4()}")

    async def reconciled() -> bool:
        async with platform.db.unit_of_work(seller.tenant_id) as session:
            status = await session.scalar(text(
                "SELECT status FROM channels.outbound_sends WHERE message_id = :m"),
                {"m": uuid.UUID(queued["id"])})
        return status == 3
    await eventually(reconciled, within=15)
    after = (seller_messages(await avito_chat(platform.emulator, shop.user_id, chat),
                             shop.user_id), uploads())
    assert after == before


async def test_a_reply_is_deleted_within_the_hour(platform: RunningPlatform, seller: Tenant,
                                                  shop: SandboxShop) -> None:
    chat, conversation = await buyer_chat(platform, seller, shop)
    media_id = (await upload(seller, png())).json()["media_id"]
    queued = await reply(seller, conversation["id"], text=LONG,
                         attachments=[{"kind": "image", "media_id": media_id}])
    await sent(seller, conversation["id"], queued["id"])
    resp = await seller.http.delete(
        f"/v1/conversations/{conversation['id']}/messages/{queued['id']}")
    assert resp.status_code == 202, resp.text
    assert resp.json()["id"] == queued["id"]
    deleted = await message_when(seller, conversation["id"], queued["id"],
                                 lambda m: m["content_type"] == "deleted")
    assert (deleted["text"], deleted["attachments"]) == ("", [])

    async def all_parts_deleted() -> bool:  # the first part's echo may come before the rest
        ours = seller_messages(await avito_chat(platform.emulator, shop.user_id, chat),
                               shop.user_id)
        return [m["type"] for m in ours] == ["deleted"] * 4  # three text parts and the image
    await eventually(all_parts_deleted, within=15)


async def test_deleting_after_the_hour_is_refused_with_the_reason(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    _, conversation = await buyer_chat(platform, seller, shop)
    queued = await reply(seller, conversation["id"], text="Старый ответ")
    await sent(seller, conversation["id"], queued["id"])
    async with platform.db.unit_of_work(seller.tenant_id) as session:
        await session.execute(text("UPDATE conversations.messages SET sent_at = now() - "
                                   "interval '61 minutes' WHERE id = :m"),
                              {"m": uuid.UUID(queued["id"])})
    resp = await seller.http.delete(
        f"/v1/conversations/{conversation['id']}/messages/{queued['id']}")
    assert resp.status_code == 409
    assert resp.headers["content-type"] == "application/problem+json"
    assert resp.json()["detail"] == "Avito allows deleting only within an hour of sending"
    buyers = (await seller.http.get(
        f"/v1/conversations/{conversation['id']}/messages")).json()["items"]
    inbound = next(m for m in buyers if m["direction"] == "inbound")
    refused = await seller.http.delete(
        f"/v1/conversations/{conversation['id']}/messages/{inbound['id']}")
    assert refused.status_code == 409  # a buyer's message is not ours to delete


@pytest.fixture
async def own_avito() -> AsyncIterator[httpx.AsyncClient]:
    """An emulator of this test's own: its clock moves without disturbing other tests."""
    async with BackgroundServer(create_app(AvitoEmulatorSettings())) as server, \
            httpx.AsyncClient(base_url=server.url, timeout=10) as control:
        yield control


async def test_when_avito_says_the_hour_is_over_the_reason_is_kept(
        platform: RunningPlatform, seller: Tenant, own_avito: httpx.AsyncClient) -> None:
    account = (await own_avito.post("/_emulator/accounts", json={
        "items": [{"title": "Кресло", "price": 7000}]})).raise_for_status().json()
    grpc_channel = open_channel(platform.platform.runtimes["channels"].grpc.address)
    try:
        await ChannelsClient(grpc_channel, platform.settings.caller("gateway")) \
            .connect_avito_account(seller.tenant_id, channels_pb.ConnectAvitoAccountRequest(
                name="Second shop", client_id=account["client_id"],
                client_secret=account["client_secret"], api_base_url=str(own_avito.base_url),
                public_base_url=platform.gateway_url, subscribe_webhook=True))
    finally:
        await grpc_channel.close()
    written = (await own_avito.post(f"/_emulator/accounts/{account['user_id']}/incoming",
                                    json={"text": "Ещё актуально?"})).raise_for_status().json()
    conversation = await conversation_of(seller, written["chat_id"])
    queued = await reply(seller, conversation["id"], text="Да")
    await sent(seller, conversation["id"], queued["id"])
    await own_avito.post("/_emulator/clock", json={"advance_seconds": 3700})
    resp = await seller.http.delete(
        f"/v1/conversations/{conversation['id']}/messages/{queued['id']}")
    assert resp.status_code == 202  # our clock says it is recent; Avito's decides
    failed = await message_when(seller, conversation["id"], queued["id"],
                                lambda m: m["failure_reason"])
    assert failed["content_type"] == "text" and failed["text"] == "Да"
    assert "within 1 hour" in failed["failure_reason"]
