"""Running exports: a job per request, in the gateway that took it, reading ExportMessages page
by page and storing the file in chunks; its row says how far it got. Several replicas share
nothing but the database: any of them reports on and serves any export, and one that dies
mid-export leaves a row that stops beating, failed by the next look at it."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from prometheus_client import Counter

from clients.rpc.channels import ChannelsClient
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.exports.models import Export, ExportStatus
from gateway.exports.names import ExportNames, account_names, people_names
from gateway.exports.repository import ExportUnit
from gateway.exports.rows import Tally, message_row
from gateway.exports.writers import ExportWriter, writer_for
from services.kernel.backoff import equal_jitter
from services.kernel.db import Database
from services.kernel.errors import Conflict, NotFound, Unavailable
from services.kernel.unit import Units

log = logging.getLogger(__name__)
T = TypeVar("T")
EXPORTS = Counter("switchboard_exports_total",
                  "Export jobs ended, by format and outcome (done, failed, interrupted)",
                  ["format", "outcome"])
EXPORT_ROWS = Counter("switchboard_export_rows_total", "Messages written to exports", ["format"])
FORMATS, OUTCOMES = ("xlsx", "csv"), ("done", "failed", "interrupted")
KEEP = timedelta(hours=24)  # an export's row and file, from the request
STALE = timedelta(minutes=2)  # a running job that has not beaten this long is dead
BEAT_S = 30.0  # how often a job beats while a long step (zipping a big workbook) runs
PAGE_SIZE = 1000
MAX_ACTIVE = 3  # a tenant's exports queued or running at once
ATTEMPTS = 4  # per call to a service, on UNAVAILABLE and deadlines (errors.Unavailable)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    format: str  # xlsx | csv
    since: datetime
    until: datetime
    channel_ids: tuple[str, ...]
    time_zone: str


class Exports:
    def __init__(self, db: Database, conversations: ConversationsClient,
                 channels: ChannelsClient, *, page_size: int = PAGE_SIZE) -> None:
        self.units = Units(db, ExportUnit)
        self.conversations, self.channels = conversations, channels
        self.page_size = page_size
        self._jobs: set[asyncio.Task[None]] = set()
        for fmt in FORMATS:  # every series from the start: rates see a zero
            EXPORT_ROWS.labels(fmt)
            for outcome in OUTCOMES:
                EXPORTS.labels(fmt, outcome)

    async def create(self, tenant_id: uuid.UUID, user_id: uuid.UUID | None,
                     request: ExportRequest) -> Export:
        async with self.units.tenantless() as unit:
            await unit.exports.purge_expired()
        async with self.units(tenant_id) as unit:
            await unit.exports.fail_stale(datetime.now(UTC) - STALE)
            if await unit.exports.active() >= MAX_ACTIVE:
                raise Conflict(f"{MAX_ACTIVE} exports are being written already; "
                               "request this one when one of them is done")
            export = await unit.exports.add(Export(
                tenant_id=tenant_id, requested_by=user_id, format=request.format,
                time_zone=request.time_zone, range_from=request.since, range_to=request.until,
                channel_ids=[uuid.UUID(c) for c in request.channel_ids],
                status=ExportStatus.QUEUED, expires_at=datetime.now(UTC) + KEEP))
        job = asyncio.create_task(self._run(tenant_id, export.id, request),
                                  name=f"export-{export.id}")
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)
        return export

    async def get(self, tenant_id: uuid.UUID, export_id: uuid.UUID) -> Export:
        async with self.units(tenant_id) as unit:
            await unit.exports.fail_stale(datetime.now(UTC) - STALE)
            export = await unit.exports.get(export_id)
        if export is None:
            raise NotFound(f"export {export_id} not found (exports are kept for 24 hours)")
        return export

    async def file(self, tenant_id: uuid.UUID, export_id: uuid.UUID
                   ) -> tuple[Export, AsyncIterator[bytes]]:
        """The finished export and its bytes, read a chunk per transaction."""
        export = await self.get(tenant_id, export_id)
        if export.status != ExportStatus.DONE:
            raise Conflict(f"export {export_id} is {export.status}, not done")
        async with self.units(tenant_id) as unit:
            seqs = list(await unit.exports.chunk_seqs(export_id))

        async def chunks() -> AsyncIterator[bytes]:
            for seq in seqs:
                async with self.units(tenant_id) as unit:
                    data = await unit.exports.chunk(export_id, seq)
                if data is None:  # expired and purged while being read
                    return
                yield data
        return export, chunks()

    async def close(self) -> None:
        """Shutdown: stop the jobs; their rows fail as interrupted."""
        for job in list(self._jobs):
            job.cancel()
        await asyncio.gather(*self._jobs, return_exceptions=True)

    async def _run(self, tenant_id: uuid.UUID, export_id: uuid.UUID,
                   request: ExportRequest) -> None:
        try:
            await self._write(tenant_id, export_id, request)
            EXPORTS.labels(request.format, "done").inc()
        except asyncio.CancelledError:
            EXPORTS.labels(request.format, "interrupted").inc()
            await self._fail(tenant_id, export_id, "interrupted: the gateway stopped; "
                                                   "request the export again")
            raise
        except Exception as exc:  # a job's end is its row: never an unreported task error
            log.exception("export %s failed", export_id)
            EXPORTS.labels(request.format, "failed").inc()
            await self._fail(tenant_id, export_id, _reason(exc))

    async def _fail(self, tenant_id: uuid.UUID, export_id: uuid.UUID, error: str) -> None:
        try:
            async with self.units(tenant_id) as unit:
                await unit.exports.set_fields(export_id, status=ExportStatus.FAILED, error=error)
        except Exception:  # the database too: the row stops beating and fails as stale
            log.exception("export %s: its failure could not be recorded", export_id)

    async def _write(self, tenant_id: uuid.UUID, export_id: uuid.UUID,
                     request: ExportRequest) -> None:
        writer = writer_for(request.format)
        try:
            await self._write_to(writer, tenant_id, export_id, request)
        except BaseException:
            writer.discard()
            raise

    async def _write_to(self, writer: ExportWriter, tenant_id: uuid.UUID, export_id: uuid.UUID,
                        request: ExportRequest) -> None:
        zone = ZoneInfo(request.time_zone)
        names = await self._names(tenant_id)
        tally: Tally | None = None
        cursor, done, seq, size = "", 0, 0, 0
        while True:
            page = await self._page(tenant_id, request, cursor)
            tally = await self._beating(tenant_id, export_id, asyncio.to_thread(
                _tabulate, writer, page, tally, zone, names))
            done += len(page.messages)
            EXPORT_ROWS.labels(request.format).inc(len(page.messages))
            seq, size = await self._store(tenant_id, export_id, writer, seq, size, final=False)
            progress: dict[str, object] = {"rows_done": done, "status": ExportStatus.RUNNING}
            if not cursor:
                progress["rows_total"] = page.total_messages
            async with self.units(tenant_id) as unit:
                await unit.exports.set_fields(export_id, **progress)
            cursor = page.page_info.next_cursor
            if not cursor:
                break
        if tally is not None:
            writer.conversation(tally.row(zone, names))
        seq, size = await self._store(tenant_id, export_id, writer, seq, size, final=True)
        async with self.units(tenant_id) as unit:
            await unit.exports.set_fields(export_id, status=ExportStatus.DONE, size_bytes=size,
                                          rows_done=done, rows_total=done)

    async def _names(self, tenant_id: uuid.UUID) -> ExportNames:
        accounts = await _retrying(lambda: account_names(self.channels, tenant_id))
        async with self.units(tenant_id) as unit:
            people = await people_names(unit.session)
        return ExportNames(accounts, people)

    async def _page(self, tenant_id: uuid.UUID, request: ExportRequest,
                    cursor: str) -> pb.ExportMessagesResponse:
        return await _retrying(lambda: self.conversations.export_messages(
            tenant_id, request.since, request.until, request.channel_ids,
            page_size=self.page_size, cursor=cursor))

    async def _store(self, tenant_id: uuid.UUID, export_id: uuid.UUID, writer: ExportWriter,
                     seq: int, size: int, *, final: bool) -> tuple[int, int]:
        """Each chunk the writer has ready (all of the rest when `final`) in its own unit."""
        chunks = writer.finish() if final else writer.ready()
        while (data := await self._beating(
                tenant_id, export_id, asyncio.to_thread(next, chunks, None))) is not None:
            async with self.units(tenant_id) as unit:
                await unit.exports.add_chunk(export_id, seq, data)
            seq, size = seq + 1, size + len(data)
        return seq, size

    async def _beating(self, tenant_id: uuid.UUID, export_id: uuid.UUID,
                       work: Awaitable[T]) -> T:
        """`work`'s result, the row beating every BEAT_S meanwhile (else it would look dead)."""
        task = asyncio.ensure_future(work)
        while True:
            done, _ = await asyncio.wait({task}, timeout=BEAT_S)
            if done:
                return task.result()
            async with self.units(tenant_id) as unit:
                await unit.exports.set_fields(export_id)


async def _retrying(call: Callable[[], Awaitable[T]]) -> T:
    """A service call, again with backoff and jitter while it is unavailable."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except Unavailable:  # deadlines included
            if attempt == ATTEMPTS:
                raise
            await asyncio.sleep(equal_jitter(attempt, 0.5, 8.0))
    raise AssertionError("unreachable")


def _tabulate(writer: ExportWriter, page: pb.ExportMessagesResponse, tally: Tally | None,
              zone: ZoneInfo, names: ExportNames) -> Tally | None:
    """A page's rows into the writer; a conversation's row once its last message is seen."""
    conversations = {c.id: c for c in page.conversations}
    for m in page.messages:
        conversation = conversations[m.conversation_id]
        if tally is None or tally.conversation.id != m.conversation_id:
            if tally is not None:
                writer.conversation(tally.row(zone, names))
            tally = Tally(conversation)
        tally.add(m)
        writer.message(message_row(m, conversation, zone, names))
    return tally


def _reason(exc: Exception) -> str:
    if isinstance(exc, Unavailable):
        return "a service the export reads did not answer; request the export again"
    return "the export failed; request it again"
