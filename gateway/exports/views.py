"""An export as both protocols show it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gateway.exports.models import Export, ExportStatus


class ExportOut(BaseModel):
    id: str
    format: str
    status: str = Field(description="queued, running, done or failed")
    from_: datetime = Field(serialization_alias="from")
    to: datetime
    channel_ids: list[str]
    time_zone: str
    rows_done: int = Field(description="Messages written so far")
    rows_total: int | None = Field(description="Messages the range holds (known once running)")
    progress: float = Field(description="rows_done / rows_total, 0 to 1 (1 when done)")
    error: str | None = Field(description="Why it failed, and what to do")
    size_bytes: int
    download_url: str | None = Field(description="GET it once done: the file")
    created_at: datetime
    expires_at: datetime = Field(description="The export and its file are removed then")

    @classmethod
    def of(cls, export: Export) -> ExportOut:
        done = export.status == ExportStatus.DONE
        total = export.rows_total
        progress = 1.0 if done else (min(export.rows_done / total, 1.0) if total else 0.0)
        return cls(
            id=str(export.id), format=export.format, status=export.status,
            from_=export.range_from, to=export.range_to,
            channel_ids=[str(c) for c in export.channel_ids], time_zone=export.time_zone,
            rows_done=export.rows_done, rows_total=total, progress=round(progress, 4),
            error=export.error or None, size_bytes=export.size_bytes,
            download_url=f"/v1/exports/{export.id}/file" if done else None,
            created_at=export.created_at, expires_at=export.expires_at)


def filename(export: Export) -> str:
    span = f"{export.range_from:%Y%m%d}-{export.range_to:%Y%m%d}"
    return f"switchboard-export-{span}.{export.format}"
