"""gRPC ChannelsService: proto <-> domain, one unit of work per RPC (connecting opens its
own, around the calls to Avito). The AuthInterceptor has already bound the tenant."""

from __future__ import annotations

from typing import Any

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2_grpc as pb_grpc
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from services.channels.accounts.management import WebhookChange
from services.channels.bots.servicer import TelegramBotsRpcs
from services.channels.models import ChannelAccount
from services.channels.repository import ChannelsUnit
from services.channels.service import ChannelsService, ConnectAvito
from services.channels.telegram.channel import ConnectTelegram
from services.kernel.errors import InvalidArgument
from services.kernel.unit import Units

SERVICE_NAME = "switchboard.channels.v1.ChannelsService"
_BLACKLIST_REASONS = {pb.BLACKLIST_REASON_SPAM: "spam", pb.BLACKLIST_REASON_FRAUD: "fraud",
                      pb.BLACKLIST_REASON_INSULTS: "insults", pb.BLACKLIST_REASON_OTHER: "other"}
# Called by the gateway before it knows the tenant: service credential only. And the bot
# runner's list of every tenant's bots (its caller may make no other call: permissions.OWN_RPCS).
TENANTLESS = frozenset({f"/{SERVICE_NAME}/ResolveWebhook",
                        f"/{SERVICE_NAME}/CompleteAvitoAuthorization",
                        f"/{SERVICE_NAME}/CatchUp",
                        f"/{SERVICE_NAME}/ResolveTelegramWebhook",
                        f"/{SERVICE_NAME}/ListTelegramBotCredentials"})


class ChannelsServicer(TelegramBotsRpcs, pb_grpc.ChannelsServiceServicer):
    """Channel accounts here; tenants' Telegram bots in bots/servicer.py."""

    def __init__(self, units: Units[ChannelsUnit], service: ChannelsService) -> None:
        self.units, self.service = units, service
        self.bots = service.bots

    async def ConnectAvitoAccount(self, request: pb.ConnectAvitoAccountRequest,
                                  context: Any) -> pb.ConnectAvitoAccountResponse:
        connected = await self.service.connect_avito(self.units, ConnectAvito(
            name=request.name, client_id=request.client_id,
            client_secret=request.client_secret, signing_secret=request.signing_secret,
            api_base_url=request.api_base_url, public_base_url=request.public_base_url,
            subscribe_webhook=request.subscribe_webhook))
        return pb.ConnectAvitoAccountResponse(
            channel=channel_proto(connected.account, connected.webhook_url))

    async def ListChannels(self, request: pb.ListChannelsRequest,
                           context: Any) -> pb.ListChannelsResponse:
        async with self.units() as unit:
            page = await self.service.list_channels(unit, request.page.page_size,
                                                     request.page.cursor)
        return pb.ListChannelsResponse(
            channels=[self._masked(row) for row in page.channels],
            page_info=pagination_pb2.PageInfo(next_cursor=page.next_cursor,
                                              has_more=page.has_more))

    async def GetChannel(self, request: pb.GetChannelRequest,
                         context: Any) -> pb.GetChannelResponse:
        async with self.units() as unit:
            row = await self.service.get_channel(unit, request.id)
        return pb.GetChannelResponse(channel=self._masked(row))

    async def BatchGetChannels(self, request: pb.BatchGetChannelsRequest,
                               context: Any) -> pb.BatchGetChannelsResponse:
        async with self.units() as unit:
            rows = await self.service.batch_get_channels(unit, request.ids)
        return pb.BatchGetChannelsResponse(channels=[self._masked(row) for row in rows])

    async def ResolveWebhook(self, request: pb.ResolveWebhookRequest,
                             context: Any) -> pb.ResolveWebhookResponse:
        async with self.units.tenantless() as unit:
            target = await self.service.resolve_webhook(unit, request.channel_id)
        return pb.ResolveWebhookResponse(
            tenant_id=str(target.tenant_id), kind=target.kind,  # type: ignore[arg-type]
            status=target.status,  # type: ignore[arg-type]
            webhook_token_sha256=target.webhook_token_sha256,
            signing_secret=target.signing_secret)

    async def SyncChannel(self, request: pb.SyncChannelRequest,
                          context: Any) -> pb.SyncChannelResponse:
        async with self.units() as unit:
            due = await self.service.request_sync(unit, request.id)
        self.service.sync_requested()
        response = pb.SyncChannelResponse()
        response.scheduled_for.FromDatetime(due)
        return response

    async def CatchUp(self, request: pb.CatchUpRequest, context: Any) -> pb.CatchUpResponse:
        # Tenant-less: every tenant's recently active accounts (one definer function).
        accounts = await self.service.catch_up(self.units, request.reason or "asked")
        return pb.CatchUpResponse(accounts=accounts)

    async def GetVoiceUrl(self, request: pb.GetVoiceUrlRequest,
                          context: Any) -> pb.GetVoiceUrlResponse:
        voice = await self.service.actions.voice_url(self.units, request.channel_id,
                                                      request.voice_id)
        response = pb.GetVoiceUrlResponse(url=voice.url)
        response.expires_at.FromSeconds(int(voice.expires_at))
        return response

    async def BlacklistUser(self, request: pb.BlacklistUserRequest,
                            context: Any) -> pb.BlacklistUserResponse:
        reason = _BLACKLIST_REASONS.get(request.reason)
        if reason is None:
            raise InvalidArgument("reason must be spam, fraud, insults or other")
        await self.service.actions.blacklist(self.units, request.channel_id,
                                              request.external_user_id,
                                              request.listing_external_id, reason)
        return pb.BlacklistUserResponse()

    async def StartAvitoAuthorization(self, request: pb.StartAvitoAuthorizationRequest,
                                      context: Any) -> pb.StartAvitoAuthorizationResponse:
        async with self.units() as unit:
            started = await self.service.authorization.start(
                unit, request.name, request.api_base_url, request.public_base_url)
        response = pb.StartAvitoAuthorizationResponse(authorization_url=started.url,
                                                      state=started.state)
        response.expires_at.FromDatetime(started.expires_at)
        return response

    async def CompleteAvitoAuthorization(self, request: pb.CompleteAvitoAuthorizationRequest,
                                         context: Any) -> pb.CompleteAvitoAuthorizationResponse:
        # Tenant-less: the state names the tenant; the flow opens its own units of work.
        done = await self.service.authorization.complete(self.units, request.state, request.code)
        return pb.CompleteAvitoAuthorizationResponse(
            tenant_id=str(done.tenant_id),
            channel=channel_proto(done.connected.account, done.connected.webhook_url))

    async def DisconnectChannel(self, request: pb.DisconnectChannelRequest,
                                context: Any) -> pb.DisconnectChannelResponse:
        row = await self.service.disconnect(self.units, request.id)
        return pb.DisconnectChannelResponse(channel=self._masked(row))

    async def SetWebhook(self, request: pb.SetWebhookRequest,
                         context: Any) -> pb.SetWebhookResponse:
        row = await self.service.management.set_webhook(self.units, WebhookChange(
            channel_id=request.id, update_fields=list(request.update_fields),
            enabled=request.enabled, signing_secret=request.signing_secret))
        return pb.SetWebhookResponse(channel=self._masked(row))

    async def GetChannelDiagnostics(self, request: pb.GetChannelDiagnosticsRequest,
                                    context: Any) -> pb.GetChannelDiagnosticsResponse:
        diagnosis = await self.service.diagnostics.diagnose(self.units, request.id)
        return pb.GetChannelDiagnosticsResponse(
            channel=self._masked(diagnosis.account),
            checks=[pb.DiagnosticCheck(name=c.name, ok=c.ok, message=c.message, fix=c.fix)
                    for c in diagnosis.checks])

    async def ConnectTelegramChannel(self, request: pb.ConnectTelegramChannelRequest,
                                     context: Any) -> pb.ConnectTelegramChannelResponse:
        row = await self.service.connect_telegram(self.units, ConnectTelegram(
            token=request.token, name=request.name, public_base_url=request.public_base_url))
        return pb.ConnectTelegramChannelResponse(channel=self._masked(row))

    async def GetTelegramFile(self, request: pb.GetTelegramFileRequest,
                              context: Any) -> pb.GetTelegramFileResponse:
        found = await self.service.telegram.file(self.units, request.channel_id, request.file_id)
        return pb.GetTelegramFileResponse(content=found.content, mime_type=found.mime_type,
                                          file_name=found.file_name)

    def _masked(self, row: ChannelAccount) -> pb.Channel:
        return channel_proto(row, self.service.masked_webhook_url(row))


def channel_proto(row: ChannelAccount, webhook_url: str) -> pb.Channel:
    channel = pb.Channel(
        id=str(row.id), kind=row.kind,  # type: ignore[arg-type]  # same numbering as the enum
        name=row.name, status=row.status,  # type: ignore[arg-type]
        external_account_id=row.external_account_id,
        external_account_name=row.external_account_name, webhook_url=webhook_url,
        webhook_subscribed=row.webhook_subscribed,
        auth_kind=row.auth_kind,  # type: ignore[arg-type]  # same numbering as the enum
        webhook_enabled=row.webhook_enabled,
        signing_secret_set=row.signing_secret_enc is not None, token_error=row.token_error)
    channel.created_at.FromDatetime(row.created_at)
    if row.token_checked_at is not None:
        channel.token_checked_at.FromDatetime(row.token_checked_at)
    if row.token_refused_since is not None:
        channel.token_refused_since.FromDatetime(row.token_refused_since)
    if row.last_webhook_at is not None:
        channel.last_webhook_at.FromDatetime(row.last_webhook_at)
    if row.last_sync_at is not None:
        channel.last_sync_at.FromDatetime(row.last_sync_at)
    return channel
