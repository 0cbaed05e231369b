"""Exports of conversations and messages to Excel (XLSX) or CSV: a job on the server whose
progress you follow, then the file downloaded (kept 24 hours).

    export = await sb.create_export("xlsx", since, until, time_zone="Europe/Moscow")
    export = await sb.wait_for_export(export.id, on_progress=lambda e: print(e.progress))
    with open("chats.xlsx", "wb") as file:
        await sb.download_export(export.id, file)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from switchboard_sdk._base import Api
from switchboard_sdk._codec import OpenEnum, decode
from switchboard_sdk.errors import ProtocolError

FIELDS = """
fragment ExportFields on Export {
  id format status rangeFrom: from rangeTo: to channelIds timeZone rowsDone rowsTotal progress
  error sizeBytes downloadUrl createdAt expiresAt
}"""
CREATE_EXPORT = FIELDS + """
mutation CreateExport($input: ExportInput!) { createExport(input: $input) { ...ExportFields } }"""
GET_EXPORT = FIELDS + """
query Export($id: ID!) { export(id: $id) { ...ExportFields } }"""


class ExportStatus(OpenEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # `error` says why and what to do


@dataclass(frozen=True)
class Export:
    id: str
    format: str  # xlsx or csv
    status: ExportStatus
    range_from: datetime | None = None
    range_to: datetime | None = None
    channel_ids: list[str] | None = None
    time_zone: str = ""
    rows_done: int = 0  # messages written so far
    rows_total: int | None = None  # messages the range holds, once known
    progress: float = 0.0  # 0 to 1
    error: str | None = None
    size_bytes: float = 0
    download_url: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)


class ExportsApi(Api):
    async def create_export(self, format: str, since: datetime, until: datetime, *,
                            channel_ids: list[str] | None = None,
                            time_zone: str = "UTC") -> Export:
        """Start exporting the messages sent in [since, until) (at most 366 days) of some
        accounts or all (write key); times in the file are in `time_zone`. InvalidInput says
        what to fix; Conflict when three exports are being written already. Not retried."""
        return decode(Export, await self._data(CREATE_EXPORT, "createExport", safe=False, input={
            "format": format, "from": since, "to": until, "channelIds": channel_ids or [],
            "timeZone": time_zone}))

    async def export(self, export_id: str) -> Export | None:
        """The export now (None when there is none, or it expired)."""
        found = await self._data(GET_EXPORT, "export", id=export_id)
        return None if found is None else decode(Export, found)

    async def wait_for_export(self, export_id: str, *, poll_s: float = 1.0,
                              timeout_s: float = 3600.0,
                              on_progress: Callable[[Export], None] | None = None) -> Export:
        """Poll until the export is done or failed (check `status`); TimeoutError past
        `timeout_s`. `on_progress` sees every state read."""
        deadline = time.monotonic() + timeout_s
        while True:
            export = await self.export(export_id)
            if export is None:
                raise ProtocolError(f"export {export_id} is gone")
            if on_progress is not None:
                on_progress(export)
            if export.finished:
                return export
            if time.monotonic() > deadline:
                raise TimeoutError(f"export {export_id} not finished within {timeout_s} s")
            await asyncio.sleep(poll_s)

    async def download_export(self, export_id: str, file: BinaryIO) -> int:
        """Write the finished export's file to `file` as it streams; its size in bytes.
        Conflict while it is still being written, NotFound once it expired."""
        return await self._transport.download(f"/v1/exports/{export_id}/file", file)
