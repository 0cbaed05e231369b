"""Exports through the SDK on the real platform: create, follow to done with progress, download
the file as it streams; the API's refusals as the SDK's exceptions; its documents valid against
the schema."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from graphql import parse, validate
from switchboard_sdk import Export, ExportStatus, InvalidInput, NotFound, Switchboard
from switchboard_sdk import exports as documents

from gateway.config import GatewaySettings
from gateway.graphql.schema import build_schema
from tests.clients.sdk.conftest import conversation_of
from tests.fixtures.platform import RunningPlatform, SandboxShop


def test_the_documents_are_valid_against_the_schema() -> None:
    schema = build_schema(GatewaySettings())._schema
    for document in (documents.CREATE_EXPORT, documents.GET_EXPORT):
        assert validate(schema, parse(document)) == []


@pytest.mark.slow
async def test_create_follow_and_download(platform: RunningPlatform, sb: Switchboard,
                                          shop: SandboxShop) -> None:
    written = await platform.buyer_writes(shop, "Выгрузите меня 📦")
    await conversation_of(sb, written)
    now = datetime.now(UTC)
    export = await sb.create_export("csv", now - timedelta(hours=1), now + timedelta(hours=1),
                                    channel_ids=[shop.channel["id"]], time_zone="Europe/Moscow")
    assert export.status == ExportStatus.QUEUED and export.time_zone == "Europe/Moscow"
    seen: list[Export] = []
    done = await sb.wait_for_export(export.id, poll_s=0.05, timeout_s=20,
                                    on_progress=seen.append)
    assert done.status == ExportStatus.DONE and (done.rows_done, done.progress) == (1, 1.0)
    assert seen[-1] == done and done.range_from is not None
    file = io.BytesIO()
    size = await sb.download_export(export.id, file)
    assert size == done.size_bytes == len(file.getvalue())
    rows = list(csv.reader(io.StringIO(file.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert [r[7] for r in rows[1:]] == ["Выгрузите меня 📦"]
    with pytest.raises(InvalidInput, match="unknown time zone"):
        await sb.create_export("csv", now, now + timedelta(hours=1), time_zone="Mars/Olympus")
    with pytest.raises(NotFound):
        await sb.download_export(str(uuid.uuid4()), io.BytesIO())
    assert await sb.export(str(uuid.uuid4())) is None
