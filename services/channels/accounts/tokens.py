"""Where a stored account's Avito tokens live: on its row, encrypted, so that every replica
starts from the latest one instead of asking Avito again. The client pool
(`avito/pool.py`) gets these as factories and calls them per account.

client_credentials accounts: a refreshed access token is simply saved (`token_persister`).
Authorization-code accounts: Avito's refresh tokens are single-use and rotate on every
refresh; `PersistedRotation` keeps the account's row locked from reading the refresh token
until the new one is committed, so no two replicas ever spend the same one.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from services.channels.avito.client import AccessToken, AvitoClient, TokenRefresher, TokenSink
from services.channels.avito.errors import AvitoAuthError
from services.channels.avito.pool import RefresherFactory, TokenSinkFactory
from services.channels.models import ChannelAccount
from services.channels.repository import ChannelsUnit
from services.kernel.crypto import SecretBox
from services.kernel.unit import Units

log = logging.getLogger(__name__)


def token_persister(units: Units[ChannelsUnit], box: SecretBox) -> TokenSinkFactory:
    """The pool's TokenSinkFactory: a refreshed token is saved (encrypted) on the account's
    row so that other replicas start from it instead of asking Avito again."""
    def factory(tenant_id: uuid.UUID, channel_id: uuid.UUID) -> TokenSink:
        async def save(token: AccessToken) -> None:
            async with units(tenant_id) as unit:
                await unit.accounts.save_token(channel_id, box.encrypt(token.value),
                                               datetime.fromtimestamp(token.expires_at, UTC))
        return save
    return factory


class PersistedRotation:
    """The refresher of a stored authorization-code account.

    The row is locked (FOR UPDATE) from reading the refresh token until the rotated one is
    committed: a replica that waited on the lock then finds a fresh access token another one
    just stored and takes it instead of spending the refresh token again. In one process the
    client already makes concurrent callers share one refresh.
    """

    def __init__(self, units: Units[ChannelsUnit], box: SecretBox, tenant_id: uuid.UUID,
                 channel_id: uuid.UUID) -> None:
        self._units, self._box = units, box
        self._tenant_id, self._channel_id = tenant_id, channel_id

    async def __call__(self, client: AvitoClient, refused: str | None) -> AccessToken:
        async with self._units(self._tenant_id) as unit:
            row = await unit.accounts.lock(self._channel_id)
            stored = self._stored_access(row)
            if stored is not None and stored.fresh() and stored.value != refused:
                return stored  # another replica refreshed while we waited for the lock
            if row.refresh_token_enc is None:
                raise AvitoAuthError("the account has no refresh token: authorize it again")
            tokens = await client.refresh_tokens(self._box.decrypt(row.refresh_token_enc))
            await unit.accounts.save(
                row, refresh_token_enc=self._box.encrypt(tokens.refresh_token),
                access_token_enc=self._box.encrypt(tokens.access.value),
                token_expires_at=datetime.fromtimestamp(tokens.access.expires_at, UTC))
        log.info("Avito refresh token rotated", extra={"channel_id": str(self._channel_id)})
        return tokens.access

    def _stored_access(self, row: ChannelAccount) -> AccessToken | None:
        if row.access_token_enc is None or row.token_expires_at is None:
            return None
        return AccessToken(self._box.decrypt(row.access_token_enc),
                           row.token_expires_at.timestamp())


def persisted_rotation(units: Units[ChannelsUnit], box: SecretBox) -> RefresherFactory:
    """The pool's RefresherFactory."""
    def factory(tenant_id: uuid.UUID, channel_id: uuid.UUID) -> TokenRefresher:
        return PersistedRotation(units, box, tenant_id, channel_id)
    return factory
