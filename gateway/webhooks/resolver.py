"""Who owns a webhook URL: channel id -> tenant, token hash and signing secret, from the channels
service and cached per process, so Avito's deliveries do not wait on a call each."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common_pb
from services.kernel.errors import NotFound

_NEGATIVE_TTL_S = 5.0  # blunts floods of made-up channel ids without hiding a new channel long


@dataclass(frozen=True)
class WebhookOwner:
    tenant_id: uuid.UUID
    active: bool
    token_sha256: str
    signing_secret: str
    kind: int = common_pb.CHANNEL_KIND_AVITO  # the channel's kind (Avito or Telegram)


class WebhookResolver:
    """channel id -> owner, cached per process (unknown ids briefly cached too) for
    `auth_cache_ttl_s`: a changed signing secret or a disconnect takes at most that long to
    reach every replica."""

    def __init__(self, channels: ChannelsClient, ttl_s: float, max_entries: int = 10_000) -> None:
        self._channels, self._ttl_s, self._max = channels, ttl_s, max_entries
        self._cache: dict[str, tuple[float, WebhookOwner | None]] = {}

    async def resolve(self, channel_id: str) -> WebhookOwner | None:
        now = time.monotonic()
        hit = self._cache.get(channel_id)
        if hit is not None and hit[0] > now:
            return hit[1]
        try:
            resp = await self._channels.resolve_webhook(channel_id)
            owner: WebhookOwner | None = WebhookOwner(
                uuid.UUID(resp.tenant_id), resp.status == channels_pb.CHANNEL_STATUS_ACTIVE,
                resp.webhook_token_sha256, resp.signing_secret, resp.kind)
        except NotFound:
            owner = None
        if len(self._cache) >= self._max:
            self._cache.clear()
        self._cache[channel_id] = (now + (self._ttl_s if owner else _NEGATIVE_TTL_S), owner)
        return owner

    def forget(self, channel_id: str) -> None:
        """Drop an owner this process just changed (signing secret, disconnect): the change
        applies here at once, on other gateway replicas within the TTL."""
        self._cache.pop(channel_id, None)
