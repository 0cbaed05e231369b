"""REST: canned replies — the tenant's saved answers with variables. Admins and owners manage
them (`admin` scope); everyone who reads the inbox lists them and renders one for a
conversation (`POST /v1/conversations/{id}/canned-replies/{reply_id}/render`)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.auth import AUTH_PROBLEMS, Admin, Reader, problem_responses
from gateway.errors import ProblemError
from gateway.state import State
from services.kernel.timestamps import to_datetime

router = APIRouter(tags=["canned replies"])
VARIABLES = "{buyer_name}, {buyer_phone}, {listing_title}, {listing_url}, {price}"


class CannedReplyOut(BaseModel):
    id: str
    title: str
    text: str = Field(description=f"With variables: {VARIABLES}")
    shortcut: str | None = Field(description="Typed as /shortcut in the composer")
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, r: pb.CannedReply) -> CannedReplyOut:
        return cls(id=r.id, title=r.title, text=r.text, shortcut=r.shortcut or None,
                   created_at=to_datetime(r.created_at), updated_at=to_datetime(r.updated_at))


class CannedReplyList(BaseModel):
    items: list[CannedReplyOut]


class NewCannedReply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=4000, description=f"May use {VARIABLES}")
    shortcut: str | None = Field(default=None, max_length=33, description=(
        "Optional, unique in your tenant: letters, digits, '-' and '_' (a leading / is dropped)"))


class CannedReplyPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    text: str | None = Field(default=None, min_length=1, max_length=4000)
    shortcut: str | None = Field(default=None, max_length=33, description="null removes it")


class RenderedOut(BaseModel):
    text: str = Field(description="Ready to send (or to edit first)")
    missing: list[str] = Field(description=(
        "Variables this conversation has no value for: rendered empty (e.g. price unknown)"))
    unknown: list[str] = Field(description="Names in braces that are no variable: left as written")


_ERRORS = {**AUTH_PROBLEMS, **problem_responses(404, 422)}


@router.get("/canned-replies", response_model=CannedReplyList, responses=AUTH_PROBLEMS)
async def list_canned_replies(principal: Reader, state: State) -> CannedReplyList:
    """Every canned reply of your tenant (at most 500), by title."""
    replies = await state.conversations.list_canned_replies(principal.tenant_id)
    return CannedReplyList(items=[CannedReplyOut.from_proto(r) for r in replies])


@router.post("/canned-replies", status_code=201, response_model=CannedReplyOut,
             responses={**_ERRORS, **problem_responses(409)})
async def create_canned_reply(body: NewCannedReply, principal: Admin,
                              state: State) -> CannedReplyOut:
    """409 when the shortcut is another reply's."""
    return CannedReplyOut.from_proto(await state.conversations.create_canned_reply(
        principal.tenant_id, body.title, body.text, body.shortcut or ""))


@router.patch("/canned-replies/{reply_id}", response_model=CannedReplyOut,
              responses={**_ERRORS, **problem_responses(409)})
async def update_canned_reply(reply_id: str, patch: CannedReplyPatch, principal: Admin,
                              state: State) -> CannedReplyOut:
    fields = sorted(patch.model_fields_set)
    if not fields:
        raise ProblemError(422, "name at least one of title, text, shortcut")
    for name in ("title", "text"):
        if name in fields and getattr(patch, name) is None:
            raise ProblemError(422, f"{name} cannot be null")
    request = pb.UpdateCannedReplyRequest(id=reply_id, update_fields=fields,
                                          title=patch.title or "", text=patch.text or "",
                                          shortcut=patch.shortcut or "")
    return CannedReplyOut.from_proto(
        await state.conversations.update_canned_reply(principal.tenant_id, request))


@router.delete("/canned-replies/{reply_id}", status_code=204, response_class=Response,
               responses=_ERRORS)
async def delete_canned_reply(reply_id: str, principal: Admin, state: State) -> Response:
    await state.conversations.delete_canned_reply(principal.tenant_id, reply_id)
    return Response(status_code=204)


@router.post("/conversations/{conversation_id}/canned-replies/{reply_id}/render",
             response_model=RenderedOut, responses=_ERRORS)
async def render_canned_reply(conversation_id: str, reply_id: str, principal: Reader,
                              state: State) -> RenderedOut:
    """The reply's text with this conversation's values (nothing is sent)."""
    done = await state.conversations.render_canned_reply(principal.tenant_id, reply_id,
                                                         conversation_id)
    return RenderedOut(text=done.text, missing=list(done.missing), unknown=list(done.unknown))
