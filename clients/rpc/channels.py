"""ChannelsClient: channel accounts and webhook resolution over gRPC."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2_grpc as rpc
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2

# Slower than an inbox read: connecting validates credentials against the channel's API.
CONNECT_DEADLINE_S = 30.0
# A token check, then two Avito calls side by side, each bounded at 15 s by the service.
DIAGNOSTICS_DEADLINE_S = 40.0


class ChannelsClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.ChannelsServiceStub(self.channel)

    async def connect_avito_account(self, tenant_id: uuid.UUID,
                                    request: pb.ConnectAvitoAccountRequest) -> pb.Channel:
        resp = await self._call(self._stub.ConnectAvitoAccount, request, tenant_id,
                                deadline_s=CONNECT_DEADLINE_S)
        return resp.channel

    async def list_channels(self, tenant_id: uuid.UUID, *, page_size: int = 0,
                            cursor: str = "") -> pb.ListChannelsResponse:
        request = pb.ListChannelsRequest(
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListChannels, request, tenant_id)

    async def get_channel(self, tenant_id: uuid.UUID, id_: str) -> pb.Channel:
        resp = await self._call(self._stub.GetChannel, pb.GetChannelRequest(id=id_), tenant_id)
        return resp.channel

    async def batch_get_channels(self, tenant_id: uuid.UUID,
                                 ids: Sequence[str]) -> list[pb.Channel]:
        resp = await self._call(self._stub.BatchGetChannels,
                                pb.BatchGetChannelsRequest(ids=list(ids)), tenant_id)
        return list(resp.channels)

    async def resolve_webhook(self, channel_id: str) -> pb.ResolveWebhookResponse:
        """Tenant-less: which tenant owns this webhook URL (service credential only)."""
        return await self._call(self._stub.ResolveWebhook,
                                pb.ResolveWebhookRequest(channel_id=channel_id), None)

    async def start_avito_authorization(
            self, tenant_id: uuid.UUID,
            request: pb.StartAvitoAuthorizationRequest) -> pb.StartAvitoAuthorizationResponse:
        return await self._call(self._stub.StartAvitoAuthorization, request, tenant_id)

    async def complete_avito_authorization(
            self, state: str, code: str) -> pb.CompleteAvitoAuthorizationResponse:
        """Tenant-less: the state names the tenant (service credential only)."""
        return await self._call(self._stub.CompleteAvitoAuthorization,
                                pb.CompleteAvitoAuthorizationRequest(state=state, code=code),
                                None, deadline_s=CONNECT_DEADLINE_S)

    async def disconnect_channel(self, tenant_id: uuid.UUID, id_: str) -> pb.Channel:
        resp = await self._call(self._stub.DisconnectChannel, pb.DisconnectChannelRequest(id=id_),
                                tenant_id, deadline_s=CONNECT_DEADLINE_S)
        return resp.channel

    async def set_webhook(self, tenant_id: uuid.UUID, id_: str, *, enabled: bool | None = None,
                          signing_secret: str | None = None) -> pb.Channel:
        """Only what is given changes; an empty signing secret clears it."""
        request = pb.SetWebhookRequest(id=id_, enabled=bool(enabled),
                                       signing_secret=signing_secret or "")
        if enabled is not None:
            request.update_fields.append("enabled")
        if signing_secret is not None:
            request.update_fields.append("signing_secret")
        resp = await self._call(self._stub.SetWebhook, request, tenant_id,
                                deadline_s=CONNECT_DEADLINE_S)
        return resp.channel

    async def get_channel_diagnostics(self, tenant_id: uuid.UUID,
                                      id_: str) -> pb.GetChannelDiagnosticsResponse:
        return await self._call(self._stub.GetChannelDiagnostics,
                                pb.GetChannelDiagnosticsRequest(id=id_), tenant_id,
                                deadline_s=DIAGNOSTICS_DEADLINE_S)

    async def connect_telegram_channel(self, tenant_id: uuid.UUID,
                                       request: pb.ConnectTelegramChannelRequest) -> pb.Channel:
        resp = await self._call(self._stub.ConnectTelegramChannel, request, tenant_id,
                                deadline_s=CONNECT_DEADLINE_S)
        return resp.channel

    async def get_telegram_file(self, tenant_id: uuid.UUID, channel_id: str,
                                file_id: str) -> pb.GetTelegramFileResponse:
        """A buyer's file on a Telegram channel (up to 20 MB, read from Telegram)."""
        return await self._call(self._stub.GetTelegramFile, pb.GetTelegramFileRequest(
            channel_id=channel_id, file_id=file_id), tenant_id, deadline_s=CONNECT_DEADLINE_S)

    async def get_voice_url(self, tenant_id: uuid.UUID, channel_id: str,
                            voice_id: str) -> pb.GetVoiceUrlResponse:
        return await self._call(self._stub.GetVoiceUrl, pb.GetVoiceUrlRequest(
            channel_id=channel_id, voice_id=voice_id), tenant_id)

    async def blacklist_user(self, tenant_id: uuid.UUID,
                             request: pb.BlacklistUserRequest) -> None:
        await self._call(self._stub.BlacklistUser, request, tenant_id)

    async def catch_up(self, reason: str) -> int:
        """Tenant-less: sync now every account that had webhooks lately; how many."""
        resp = await self._call(self._stub.CatchUp, pb.CatchUpRequest(reason=reason), None)
        return resp.accounts

    async def sync_channel(self, tenant_id: uuid.UUID, id_: str) -> pb.SyncChannelResponse:
        """Reconcile now: the account is due at once; returns when it was scheduled for."""
        return await self._call(self._stub.SyncChannel, pb.SyncChannelRequest(id=id_), tenant_id)

    # ---- tenants' Telegram bots ----------------------------------------------------------

    async def register_telegram_bot(
            self, tenant_id: uuid.UUID,
            request: pb.RegisterTelegramBotRequest) -> pb.RegisterTelegramBotResponse:
        """getMe, then setWebhook or deleteWebhook: Telegram's calls, retried by the service."""
        return await self._call(self._stub.RegisterTelegramBot, request, tenant_id,
                                deadline_s=CONNECT_DEADLINE_S)

    async def list_telegram_bots(self, tenant_id: uuid.UUID, *, page_size: int = 0,
                                 cursor: str = "") -> pb.ListTelegramBotsResponse:
        request = pb.ListTelegramBotsRequest(
            page=pagination_pb2.PageRequest(page_size=page_size, cursor=cursor))
        return await self._call(self._stub.ListTelegramBots, request, tenant_id)

    async def get_telegram_bot(self, tenant_id: uuid.UUID, id_: str) -> pb.TelegramBot:
        resp = await self._call(self._stub.GetTelegramBot, pb.GetTelegramBotRequest(id=id_),
                                tenant_id)
        return resp.bot

    async def set_telegram_bot_group(self, tenant_id: uuid.UUID, id_: str, chat_id: int,
                                     title: str) -> pb.TelegramBot:
        """chat_id 0 unlinks the group."""
        resp = await self._call(self._stub.SetTelegramBotGroup, pb.SetTelegramBotGroupRequest(
            id=id_, chat_id=chat_id, title=title), tenant_id)
        return resp.bot

    async def remove_telegram_bot(self, tenant_id: uuid.UUID, id_: str) -> str:
        """Deletes the webhook, then the bot; the runner's API key id, to revoke."""
        resp = await self._call(self._stub.RemoveTelegramBot, pb.RemoveTelegramBotRequest(id=id_),
                                tenant_id, deadline_s=CONNECT_DEADLINE_S)
        return resp.runner_api_key_id

    async def resolve_telegram_webhook(self, bot_id: str) -> pb.ResolveTelegramWebhookResponse:
        """Tenant-less, the gateway only: whose bot a webhook URL names."""
        return await self._call(self._stub.ResolveTelegramWebhook,
                                pb.ResolveTelegramWebhookRequest(bot_id=bot_id), None)

    async def list_telegram_bot_credentials(
            self, after: str = "", limit: int = 0) -> pb.ListTelegramBotCredentialsResponse:
        """Tenant-less, the bot runner only (caller telegram_bot): every tenant's bots with
        their tokens and runner keys."""
        return await self._call(self._stub.ListTelegramBotCredentials,
                                pb.ListTelegramBotCredentialsRequest(after=after, limit=limit),
                                None)
