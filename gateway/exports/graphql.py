"""GraphQL: exports — `createExport` (a job, as POST /v1/exports) and `export(id)` (its status,
progress and download URL), through the neutral request model and view (`forms.py`,
`views.py`: one validation). The file itself is downloaded over REST."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from pydantic import ValidationError

from gateway.exports.forms import ExportIn, export_request
from gateway.exports.views import ExportOut
from gateway.graphql.context import Info
from gateway.graphql.errors import invalid_input
from services.kernel.errors import NotFound


@strawberry.type(description="An export of conversations and messages (kept 24 hours)")
class Export:
    id: strawberry.ID
    format: str = strawberry.field(description="xlsx or csv")
    status: str = strawberry.field(description="queued, running, done or failed")
    from_: datetime = strawberry.field(name="from")
    to: datetime
    channel_ids: list[str]
    time_zone: str
    rows_done: int = strawberry.field(description="Messages written so far")
    rows_total: int | None = strawberry.field(description="Messages the range holds")
    progress: float = strawberry.field(description="0 to 1")
    error: str | None
    size_bytes: float = strawberry.field(description="The file's size (a Float: may pass 2^31)")
    download_url: str | None = strawberry.field(description="GET with the same credentials")
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, e: ExportOut) -> Export:
        return cls(**{**e.model_dump(), "id": strawberry.ID(e.id),
                      "size_bytes": float(e.size_bytes)})


@strawberry.input
class ExportInput:
    format: str = strawberry.field(description="xlsx or csv")
    from_: datetime = strawberry.field(name="from")
    to: datetime
    channel_ids: list[str] | None = None
    time_zone: str = strawberry.field(default="UTC", description="IANA zone of the file's times")


@strawberry.type
class ExportQuery:
    @strawberry.field(description="One export; null if there is none (or it expired)")
    async def export(self, info: Info, id: strawberry.ID) -> Export | None:
        tenant_id = info.context.require("read").tenant_id
        try:
            found = await info.context.state.exports.get(tenant_id, uuid.UUID(str(id)))
        except (NotFound, ValueError):
            return None
        return Export.of(ExportOut.of(found))


@strawberry.type
class ExportMutation:
    @strawberry.mutation(description="Start an export (write); follow it with export(id)")
    async def create_export(self, info: Info, input: ExportInput) -> Export:
        principal = info.context.require("write")
        try:
            body = ExportIn.model_validate({
                "format": input.format, "from": input.from_, "to": input.to,
                "channel_ids": input.channel_ids or [], "time_zone": input.time_zone})
        except ValidationError as exc:
            raise invalid_input(exc) from exc
        state = info.context.state
        request = await export_request(state, principal.tenant_id, body)
        return Export.of(ExportOut.of(
            await state.exports.create(principal.tenant_id, principal.user_id, request)))
