"""One-off calls on a connected account: fresh voice-message URLs and blocking a buyer.

Rules only: the account is read in a short unit of work, Avito is called outside it.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from services.channels.accounts.errors import avito_call, domain_error
from services.channels.avito.errors import AvitoError
from services.channels.avito.pool import AvitoClients
from services.channels.models import AccountStatus, ChannelAccount, ChannelKind
from services.channels.repository import ChannelsUnit
from services.kernel.errors import DomainError, FailedPrecondition, InvalidArgument, NotFound
from services.kernel.repository import parse_uuid
from services.kernel.tenancy import require_tenant
from services.kernel.unit import Units

# Avito's voice links live an hour; a cached one is handed out for 50 minutes, so whoever
# gets it still has 10 minutes or more to play it.
VOICE_URL_TTL_S = 3600.0
VOICE_CACHE_S = 3000.0
_MAX_CACHED = 10_000


@dataclass(frozen=True)
class VoiceUrl:
    url: str
    expires_at: float  # unix seconds


class ChannelActions:
    def __init__(self, clients: AvitoClients, clock: Callable[[], float] = time.time) -> None:
        self._clients, self._clock = clients, clock
        # (tenant, channel, voice id) -> URL; least recently fetched first.
        self._voices: OrderedDict[tuple[uuid.UUID, uuid.UUID, str], VoiceUrl] = OrderedDict()

    async def voice_url(self, units: Units[ChannelsUnit], channel_id: str,
                        voice_id: str) -> VoiceUrl:
        if not voice_id.strip():
            raise InvalidArgument("voice_id is required")
        account = await _active_account(units, channel_id)
        key = (require_tenant(), account.id, voice_id)
        cached = self._voices.get(key)
        if cached is not None and cached.expires_at - VOICE_URL_TTL_S + VOICE_CACHE_S > self._clock():
            return cached
        client = self._clients.for_account(account)
        urls = await avito_call(client.voice_urls(account.external_account_id, [voice_id]),
                                "fetch the voice message", _domain_error)
        if voice_id not in urls:
            raise NotFound(f"Avito has no voice message {voice_id} for this account")
        found = VoiceUrl(urls[voice_id], self._clock() + VOICE_URL_TTL_S)
        self._voices[key] = found
        self._voices.move_to_end(key)
        if len(self._voices) > _MAX_CACHED:
            self._voices.popitem(last=False)
        return found

    async def blacklist(self, units: Units[ChannelsUnit], channel_id: str,
                        external_user_id: str, listing_external_id: str, reason: str) -> None:
        if not external_user_id.strip():
            raise InvalidArgument("external_user_id is required")
        account = await _active_account(units, channel_id)
        client = self._clients.for_account(account)
        await avito_call(client.blacklist(account.external_account_id, external_user_id,
                                          item_id=listing_external_id, reason=reason),
                         "block the user", _domain_error)


async def _active_account(units: Units[ChannelsUnit], channel_id: str) -> ChannelAccount:
    async with units() as unit:
        account = await unit.accounts.get_or_raise(parse_uuid(channel_id, "channel id"), "channel")
    if account.status != AccountStatus.ACTIVE:
        raise FailedPrecondition("the channel is disconnected")
    if account.kind != ChannelKind.AVITO:  # a Telegram channel's files: GetTelegramFile
        raise FailedPrecondition("this is an Avito action; the channel is not an Avito account")
    return account


def _domain_error(exc: AvitoError, action: str) -> DomainError:
    return domain_error(
        exc, action, not_found=True,
        credentials=lambda e: FailedPrecondition(
            f"Avito refused the channel's credentials; reconnect the account ({e.message})"),
        tariff="the Avito account's tariff does not include the Messenger API")
