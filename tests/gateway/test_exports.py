"""Exports through the gateway on the session's platform: a job's progress, the XLSX (opened
with openpyxl) and the CSV (read with the csv module) matching the conversation — buyer,
Cyrillic and emoji texts, times in the zone, an AI-marked reply — another gateway replica
serving the same export, and problem+json for bad requests."""

from __future__ import annotations

import codecs
import csv
import io
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.exports.forms import ExportIn
from gateway.exports.jobs import ExportRequest, Exports
from gateway.exports.models import Export, ExportStatus
from gateway.exports.writers import XlsxWriter
from services.kernel.config import KernelSettings
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant, second_gateway

ZONE = "Asia/Vladivostok"  # UTC+10: a time off by the zone shows


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Выгрузка")


@pytest.fixture(scope="module")
async def agent_client(platform: RunningPlatform, settings: KernelSettings,
                       credentials: Credentials) -> AsyncIterator[ConversationsClient]:
    """The conversations service as the AI agent calls it (its replies are SENDER_KIND_AGENT)."""
    caller = as_component(settings, credentials, "agent").caller("agent")
    address = platform.platform.runtimes["conversations"].grpc.address
    client = ConversationsClient(open_channel(address, caller), caller)
    yield client
    await client.channel.close()


@pytest.fixture(scope="module")
async def chat(platform: RunningPlatform, seller: Tenant,
               agent_client: ConversationsClient) -> tuple[SandboxShop, dict[str, Any]]:
    """The buyer asked (Cyrillic and an emoji, a line that looks like a formula), the AI
    answered, a manager answered and took the conversation; returns the shop and it."""
    shop = await platform.connect_sandbox_shop(seller, "Export shop")
    first = await platform.buyer_writes(shop, "Диван ещё продаётся? 🛋️", author_name="Зоя")
    await platform.buyer_writes(shop, "=HYPERLINK(\"x\")", chat_id=first["chat_id"])

    async def listed() -> dict[str, Any] | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return items[0] if items and items[0]["unread_count"] == 2 else None
    conversation = await eventually(listed, within=15)
    await agent_client.send_message(seller.tenant_id, conversation["id"], "Да, продаётся 👍",
                                    sender=pb.SENDER_KIND_AGENT)
    sent = await seller.http.post(f"/v1/conversations/{conversation['id']}/messages",
                                  json={"text": "Могу привезти завтра"})
    assert sent.status_code in (200, 201, 202), sent.text
    owner = (await seller.http.get("/v1/users")).json()["items"][0]
    taken = await seller.http.patch(f"/v1/conversations/{conversation['id']}",
                                    json={"assignee_user_id": owner["id"]})
    assert taken.status_code == 200, taken.text
    return shop, conversation


def _body(fmt: str, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {"format": fmt, "from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(), "time_zone": ZONE, **extra}


async def _finished(http: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    created = await http.post("/v1/exports", json=body)
    assert created.status_code == 202, created.text
    export = created.json()
    assert export["status"] == "queued" and export["download_url"] is None
    assert created.headers["location"] == f"/v1/exports/{export['id']}"

    async def done() -> dict[str, Any] | None:
        state = (await http.get(f"/v1/exports/{export['id']}")).json()
        assert state["status"] != "failed", state
        return state if state["status"] == "done" else None
    return await eventually(done, within=20)


async def test_xlsx_matches_the_conversation(platform: RunningPlatform, seller: Tenant,
                                             chat: tuple[SandboxShop, dict[str, Any]]) -> None:
    shop, conversation = chat
    done = await _finished(seller.http, _body("xlsx", channel_ids=[shop.channel["id"]]))
    assert (done["rows_done"], done["rows_total"], done["progress"]) == (4, 4, 1.0)
    file = await seller.http.get(done["download_url"])
    assert file.status_code == 200 and "spreadsheetml" in file.headers["content-type"]
    assert file.headers["content-disposition"].startswith('attachment; filename="switchboard-')
    book = openpyxl.load_workbook(io.BytesIO(file.content))
    assert book.sheetnames == ["Диалоги", "Сообщения"]
    header, *messages = list(book["Сообщения"].iter_rows(values_only=True))
    assert header[:3] == ("Время", "Диалог", "Аккаунт")
    assert {m[2] for m in messages} == {"Export shop"}  # the account by its name, not its id
    got = [(m[5], m[6], m[7]) for m in messages]
    # Avito times buyers' messages to the second: two in one second are in id order.
    assert sorted(got[:2]) == [("входящее", "покупатель", "=HYPERLINK(\"x\")"),
                               ("входящее", "покупатель", "Диван ещё продаётся? 🛋️")]
    assert got[2:] == [("исходящее", "ИИ", "Да, продаётся 👍"),
                       ("исходящее", "менеджер", "Могу привезти завтра")]
    formula = next(row[7] for row in book["Сообщения"].iter_rows(min_row=2, max_row=3)
                   if str(row[7].value).startswith("="))
    assert formula.data_type == "s"  # the buyer's "=..." is text, not a formula
    first = messages[0][0]
    now_there = datetime.now(ZoneInfo(ZONE)).replace(tzinfo=None)
    assert abs(now_there - first) < timedelta(minutes=5)  # a wall time in the zone
    assert {m[1] for m in messages} == {conversation["id"]}
    _, row = list(book["Диалоги"].iter_rows(values_only=True))
    assert row[0] == conversation["id"] and row[1] == shop.channel["name"] == "Export shop"
    assert row[8] == seller.email  # the assignee: the owner, named (by e-mail: no name given)
    assert row[11:14] == (2, 2, 1)  # in, out, AI replies
    assert row[14] is not None and row[14] >= 0  # first response, minutes


async def test_csv_parses_and_another_replica_serves_it(
        platform: RunningPlatform, seller: Tenant,
        chat: tuple[SandboxShop, dict[str, Any]]) -> None:
    done = await _finished(seller.http, _body("csv"))
    other = await second_gateway(platform)
    try:
        async with httpx.AsyncClient(base_url=other.url, timeout=15, headers={
                "Authorization": f"Bearer {seller.api_key}"}) as http:
            seen = (await http.get(f"/v1/exports/{done['id']}")).json()
            file = await http.get(done["download_url"])
    finally:
        await other.stop()
    assert seen["status"] == "done" and seen["size_bytes"] == len(file.content)
    assert file.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Время" and len(rows) == 5
    assert sorted(r[7] for r in rows[1:3]) == ["'=HYPERLINK(\"x\")", "Диван ещё продаётся? 🛋️"]
    assert [r[7] for r in rows[3:]] == ["Да, продаётся 👍", "Могу привезти завтра"]
    assert [r[6] for r in rows[1:]] == ["покупатель", "покупатель", "ИИ", "менеджер"]


@pytest.mark.parametrize(("change", "detail"), [
    ({"format": "pdf"}, "format"),
    ({"time_zone": "Mars/Olympus"}, "unknown time zone"),
    ({"time_zone": "Europe"}, "unknown time zone"),  # a directory of the tz database
    ({"from": "0001-01-01T00:00:00", "to": "0001-01-02T00:00:00"}, "years 1 to 9999"),
    ({"to": "2020-01-01T00:00:00Z"}, "from must be before to"),
    ({"from": "2024-01-01T00:00:00Z"}, "at most 366 days"),
    ({"channel_ids": ["nope"]}, "not a valid id"),
    ({"channel_ids": [str(uuid.uuid4())]}, "not found")])
async def test_bad_requests_are_problems(seller: Tenant, change: dict[str, Any],
                                         detail: str) -> None:
    resp = await seller.http.post("/v1/exports", json={**_body("xlsx"), **change})
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert detail in resp.text


async def test_unknown_and_unfinished_exports(seller: Tenant) -> None:
    missing = await seller.http.get(f"/v1/exports/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert (await seller.http.get("/v1/exports/not-an-id")).status_code == 422


class _Watching:
    """The conversations client of a job, reading the export's row (as another replica would)
    before each page after the first: the progress the job reported so far."""

    def __init__(self, client: ConversationsClient, exports: Exports, tenant: Tenant) -> None:
        self.client, self.exports, self.tenant = client, exports, tenant
        self.export_id: uuid.UUID | None = None
        self.seen: list[tuple[int, int | None, str]] = []

    async def export_messages(self, *args: Any, **kwargs: Any) -> pb.ExportMessagesResponse:
        if kwargs["cursor"]:
            assert self.export_id is not None
            row = await self.exports.get(self.tenant.tenant_id, self.export_id)
            self.seen.append((row.rows_done, row.rows_total, row.status))
        return await self.client.export_messages(*args, **kwargs)


async def test_progress_moves_page_by_page(platform: RunningPlatform, seller: Tenant,
                                           chat: tuple[SandboxShop, dict[str, Any]]) -> None:
    caller = platform.settings.caller("gateway")
    client = ConversationsClient(open_channel(platform.platform.runtimes[
        "conversations"].grpc.address, caller), caller)
    channels = ChannelsClient(open_channel(platform.platform.runtimes[
        "channels"].grpc.address, caller), caller)
    watching = _Watching(client, Exports(platform.db, client, channels), seller)
    exports = Exports(platform.db, watching, channels, page_size=1)  # type: ignore[arg-type]
    body = ExportIn.model_validate(_body("csv"))
    request = ExportRequest(body.format, body.from_, body.to, (), body.time_zone)
    before = {name: _sample(name, labels) for name, labels in _SERIES}
    try:
        export = await exports.create(seller.tenant_id, None, request)
        watching.export_id = export.id

        async def done() -> bool:
            row = await exports.get(seller.tenant_id, export.id)
            return row.status == ExportStatus.DONE
        await eventually(done, within=20)
    finally:
        await exports.close()
        await client.channel.close()
        await channels.channel.close()
    assert watching.seen == [(1, 4, "running"), (2, 4, "running"), (3, 4, "running")]
    final = await exports.get(seller.tenant_id, export.id)
    assert (final.rows_done, final.rows_total, final.size_bytes > 0) == (4, 4, True)
    assert [_sample(n, labels) - before[n] for n, labels in _SERIES] == [1, 4]


_SERIES = (("switchboard_exports_total", {"format": "csv", "outcome": "done"}),
           ("switchboard_export_rows_total", {"format": "csv"}))


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_tenant_writes_three_exports_at_most_at_once(
        platform: RunningPlatform) -> None:
    tenant = await platform.new_tenant("Три выгрузки")
    unit = Exports(platform.db, None, None)  # type: ignore[arg-type]  # rows only: no job runs
    async with unit.units(tenant.tenant_id) as u:
        for _ in range(3):
            await u.exports.add(Export(
                tenant_id=tenant.tenant_id, format="csv", time_zone="UTC",
                range_from=datetime.now(UTC), range_to=datetime.now(UTC),
                status=ExportStatus.RUNNING, expires_at=datetime.now(UTC) + timedelta(hours=1)))
    refused = await tenant.http.post("/v1/exports", json=_body("csv"))
    assert refused.status_code == 409 and "3 exports" in refused.json()["detail"]


_CREATE = """mutation($input: ExportInput!) {
  createExport(input: $input) { id status format timeZone downloadUrl } }"""
_GET = "query($id: ID!) { export(id: $id) { status rowsDone rowsTotal progress downloadUrl } }"


async def test_graphql_create_and_follow(platform: RunningPlatform, seller: Tenant,
                                         chat: tuple[SandboxShop, dict[str, Any]]) -> None:
    body = _body("xlsx")
    made = (await seller.http.post("/graphql", json={"query": _CREATE, "variables": {
        "input": {"format": "xlsx", "from": body["from"], "to": body["to"],
                  "timeZone": ZONE}}})).json()
    assert made.get("errors") is None, made
    export = made["data"]["createExport"]
    assert (export["format"], export["timeZone"]) == ("xlsx", ZONE)

    async def done() -> dict[str, Any] | None:
        got = (await seller.http.post("/graphql", json={"query": _GET, "variables": {
            "id": export["id"]}})).json()["data"]["export"]
        return got if got["status"] == "done" else None
    finished = await eventually(done, within=20)
    assert (finished["rowsDone"], finished["rowsTotal"], finished["progress"]) == (4, 4, 1.0)
    assert (await seller.http.get(finished["downloadUrl"])).status_code == 200
    stranger = await platform.new_tenant("Чужой")
    theirs = (await stranger.http.post("/graphql", json={"query": _GET, "variables": {
        "id": export["id"]}})).json()
    assert theirs["data"]["export"] is None
    bad = (await seller.http.post("/graphql", json={"query": _CREATE, "variables": {
        "input": {"format": "xlsx", "from": body["from"], "to": body["to"],
                  "timeZone": "Mars/Olympus"}}})).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "unknown time zone" in bad["errors"][0]["message"]


async def test_a_job_whose_replica_died_fails_as_interrupted(platform: RunningPlatform) -> None:
    tenant = await platform.new_tenant("Упавшая реплика")
    exports = Exports(platform.db, None, None)  # type: ignore[arg-type]  # rows only: no job runs
    now = datetime.now(UTC)
    async with exports.units(tenant.tenant_id) as unit:
        export = await unit.exports.add(Export(
            tenant_id=tenant.tenant_id, format="xlsx", time_zone="UTC", range_from=now,
            range_to=now, status=ExportStatus.RUNNING, rows_done=5, rows_total=10,
            expires_at=now + timedelta(hours=1)))
        beating = await unit.exports.add(Export(
            tenant_id=tenant.tenant_id, format="xlsx", time_zone="UTC", range_from=now,
            range_to=now, status=ExportStatus.RUNNING, expires_at=now + timedelta(hours=1)))
        await unit.session.execute(text(
            "UPDATE identity.exports SET heartbeat_at = now() - interval '3 minutes' "
            "WHERE id = :e"), {"e": export.id})
    dead = (await tenant.http.get(f"/v1/exports/{export.id}")).json()
    assert (dead["status"], dead["progress"]) == ("failed", 0.5)
    assert dead["error"].startswith("interrupted") and dead["download_url"] is None
    alive = (await tenant.http.get(f"/v1/exports/{beating.id}")).json()
    assert alive["status"] == "running"
    unfinished = await tenant.http.get(f"/v1/exports/{beating.id}/file")
    assert unfinished.status_code == 409 and "running" in unfinished.json()["detail"]


async def test_a_job_that_fails_says_so_and_leaves_no_files(
        platform: RunningPlatform, seller: Tenant) -> None:
    caller = platform.settings.caller("gateway")
    client = ConversationsClient(open_channel(platform.platform.runtimes[
        "conversations"].grpc.address, caller), caller)
    channels = ChannelsClient(open_channel(platform.platform.runtimes[
        "channels"].grpc.address, caller), caller)
    exports = Exports(platform.db, client, channels)
    now = datetime.now(UTC)  # an empty range: the service refuses it (the form would)
    before = _sample("switchboard_exports_total", {"format": "xlsx", "outcome": "failed"})
    try:
        export = await exports.create(seller.tenant_id, None,
                                      ExportRequest("xlsx", now, now, (), "UTC"))

        async def failed() -> Export | None:
            row = await exports.get(seller.tenant_id, export.id)
            return row if row.status == ExportStatus.FAILED else None
        row = await eventually(failed, within=10)
    finally:
        await exports.close()
        await client.channel.close()
        await channels.channel.close()
    assert row.error == "the export failed; request it again"
    assert _sample("switchboard_exports_total",
                   {"format": "xlsx", "outcome": "failed"}) == before + 1


def test_a_discarded_workbook_removes_its_temporary_files() -> None:
    writer = XlsxWriter()
    writer.message((datetime(2026, 1, 1), "c", "ch", "Зоя", "Диван", "входящее", "покупатель",
                    "текст", "", ""))
    writer.conversation(("c", "ch", "Зоя"))
    files = [sheet._writer.out for sheet in (writer._conversations, writer._messages)]
    assert all(os.path.exists(f) for f in files)
    writer.discard()
    assert not any(os.path.exists(f) for f in files)
