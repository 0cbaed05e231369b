"""REST: exports (`/v1/exports`) — request one (202, a job), follow its progress, download the
file once done. Requesting needs the write scope, reading the read scope."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import StreamingResponse

from gateway.auth import AUTH_PROBLEMS, Reader, Writer, problem_responses
from gateway.exports.forms import ExportIn, export_request
from gateway.exports.views import ExportOut, filename
from gateway.exports.writers import MEDIA_TYPES
from gateway.state import State
from services.kernel.repository import parse_uuid

router = APIRouter(prefix="/exports", tags=["exports"])


@router.post("", status_code=202, response_model=ExportOut, response_model_by_alias=True,
             responses={**AUTH_PROBLEMS, **problem_responses(409, 422)})
async def create_export(body: ExportIn, principal: Writer, state: State,
                        response: Response) -> ExportOut:
    """Start exporting the conversations and messages of [from, to) (at most 366 days) of some
    channel accounts or all; follow it with `GET /v1/exports/{id}` (kept 24 hours). 409 while
    three of the tenant's exports are being written."""
    request = await export_request(state, principal.tenant_id, body)
    export = await state.exports.create(principal.tenant_id, principal.user_id, request)
    response.headers["Location"] = f"/v1/exports/{export.id}"
    return ExportOut.of(export)


@router.get("/{export_id}", response_model=ExportOut, response_model_by_alias=True,
            responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def get_export(export_id: str, principal: Reader, state: State) -> ExportOut:
    """Status and progress (messages written of the range's total); `download_url` once done."""
    return ExportOut.of(await state.exports.get(principal.tenant_id,
                                                parse_uuid(export_id, "export id")))


@router.get("/{export_id}/file", response_class=StreamingResponse, responses={
    200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()},
          "description": "The file, streamed"},
    **AUTH_PROBLEMS, **problem_responses(404, 409, 422)})
async def export_file(export_id: str, principal: Reader, state: State) -> StreamingResponse:
    """The finished file (409 while it is still being written)."""
    export, chunks = await state.exports.file(principal.tenant_id,
                                              parse_uuid(export_id, "export id"))
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[export.format], headers={
        "Content-Disposition": f'attachment; filename="{filename(export)}"',
        "Content-Length": str(export.size_bytes), "Cache-Control": "private, no-store"})
