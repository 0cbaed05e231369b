"""The canned replies' RPCs of ConversationsService (mixed into its servicer)."""

from __future__ import annotations

from grpc.aio import ServicerContext

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from services.conversations.canned.service import UPDATABLE, CannedFields
from services.conversations.models import CannedReply
from services.conversations.repository import ConversationsUnit
from services.conversations.service import ConversationsService
from services.kernel.repository import parse_uuid
from services.kernel.timestamps import timestamp
from services.kernel.unit import Units


def canned_to_proto(r: CannedReply) -> pb.CannedReply:
    return pb.CannedReply(id=str(r.id), title=r.title, text=r.text, shortcut=r.shortcut or "",
                          created_at=timestamp(r.created_at), updated_at=timestamp(r.updated_at))


class CannedRepliesRpcs:
    units: Units[ConversationsUnit]
    service: ConversationsService

    async def ListCannedReplies(self, request: pb.ListCannedRepliesRequest,
                                context: ServicerContext) -> pb.ListCannedRepliesResponse:
        async with self.units() as unit:
            replies = await self.service.canned.list(unit)
        return pb.ListCannedRepliesResponse(canned_replies=[canned_to_proto(r) for r in replies])

    async def CreateCannedReply(self, request: pb.CreateCannedReplyRequest,
                                context: ServicerContext) -> pb.CreateCannedReplyResponse:
        given = CannedFields(UPDATABLE, request.title, request.text, request.shortcut)
        async with self.units() as unit:
            reply = await self.service.canned.create(unit, given)
            return pb.CreateCannedReplyResponse(canned_reply=canned_to_proto(reply))

    async def UpdateCannedReply(self, request: pb.UpdateCannedReplyRequest,
                                context: ServicerContext) -> pb.UpdateCannedReplyResponse:
        given = CannedFields(frozenset(request.update_fields), request.title, request.text,
                             request.shortcut)
        async with self.units() as unit:
            reply = await self.service.canned.update(
                unit, parse_uuid(request.id, "canned reply id"), given)
            return pb.UpdateCannedReplyResponse(canned_reply=canned_to_proto(reply))

    async def DeleteCannedReply(self, request: pb.DeleteCannedReplyRequest,
                                context: ServicerContext) -> pb.DeleteCannedReplyResponse:
        async with self.units() as unit:
            await self.service.canned.delete(unit, parse_uuid(request.id, "canned reply id"))
        return pb.DeleteCannedReplyResponse()

    async def RenderCannedReply(self, request: pb.RenderCannedReplyRequest,
                                context: ServicerContext) -> pb.RenderCannedReplyResponse:
        async with self.units() as unit:
            rendered = await self.service.canned.render(
                unit, parse_uuid(request.id, "canned reply id"),
                parse_uuid(request.conversation_id, "conversation id"))
        return pb.RenderCannedReplyResponse(text=rendered.text, missing=rendered.missing,
                                            unknown=rendered.unknown)
