"""Avito accounts connected through the platform's partner app (authorization-code flow).

start:    a single-use state (only its SHA-256 is stored) and the consent URL to send the
          seller to.
complete: the callback's state names the tenant (its hash -> the tenant, through a narrow
          definer function in a tenantless unit), is read and claimed in the tenant's unit of
          work (single use, even for two racing callbacks), the code is exchanged for tokens,
          and the account is connected by the same path as one connected with its own
          client_id/secret (connect.py).
Until the account is saved its rotating refresh token lives in memory (`MemoryRotation`);
afterwards `tokens.PersistedRotation` spends and stores it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from services.channels.accounts.connect import AccountConnector, AccountDraft, Connected, base_url
from services.channels.avito.client import AccessToken, AvitoClient, OAuthTokens
from services.channels.avito.errors import AvitoAuthError, AvitoError, AvitoUnavailable
from services.channels.avito.pool import AvitoClients
from services.channels.config import ChannelsSettings
from services.channels.models import AuthKind, OAuthState
from services.channels.quotas.service import AccountSlots
from services.channels.repository import ChannelsUnit
from services.kernel.crypto import SecretBox
from services.kernel.errors import FailedPrecondition, InvalidArgument, Unavailable
from services.kernel.models import new_id
from services.kernel.tenancy import require_tenant, tenant_scope
from services.kernel.unit import Units

START_AGAIN = "start again with POST /v1/channels/avito/authorize"
# Old consent requests are deleted when the tenant starts a new one.
_KEEP_EXPIRED = timedelta(days=1)


@dataclass(frozen=True)
class Authorization:
    url: str
    state: str  # shown once; only its hash is stored
    expires_at: datetime


@dataclass(frozen=True)
class Completed:
    tenant_id: uuid.UUID
    connected: Connected


class AvitoAuthorization:
    def __init__(self, settings: ChannelsSettings, box: SecretBox, clients: AvitoClients,
                 slots: AccountSlots | None = None) -> None:
        self._settings, self._clients = settings, clients
        self._connector = AccountConnector(box, slots)

    async def start(self, unit: ChannelsUnit, name: str, api_base_url: str,
                    public_base_url: str) -> Authorization:
        client_id = self._partner_app()
        name = name.strip()
        if not name or len(name) > 255:
            raise InvalidArgument("name is required (at most 255 characters)")
        s = self._settings
        api = base_url(api_base_url or s.avito_api_base_url, "api_base_url")
        public = base_url(public_base_url or s.public_base_url, "public_base_url")
        state, now = secrets.token_urlsafe(32), datetime.now(UTC)
        expires_at = now + timedelta(seconds=s.oauth_state_ttl_s)
        await unit.oauth_states.purge(now - _KEEP_EXPIRED)
        unit.oauth_states.add(OAuthState(
            id=new_id(), tenant_id=require_tenant(), state_sha256=_sha256(state), name=name,
            api_base_url=api, public_base_url=public, expires_at=expires_at))
        query = urlencode({"response_type": "code", "pro_users_flow": "true",
                           "client_id": client_id, "scope": s.avito_oauth_scopes,
                           "state": state}, safe=",:")
        return Authorization(f"{self._consent_page(api)}?{query}", state, expires_at)

    async def complete(self, units: Units[ChannelsUnit], state: str, code: str) -> Completed:
        """Tenant-less: the state is the credential."""
        if not state or not code:
            raise InvalidArgument(f"the callback needs both `state` and `code`: {START_AGAIN}")
        self._partner_app()
        state_sha256 = _sha256(state)
        async with units.tenantless() as unit:
            tenant_id = await unit.oauth_states.tenant_of(state_sha256)
        if tenant_id is None:
            raise InvalidArgument(f"unknown authorization state: {START_AGAIN}")
        with tenant_scope(tenant_id):
            async with units() as unit:
                found = await unit.oauth_states.find(state_sha256)
                if found is None or not await unit.oauth_states.claim(found.id, datetime.now(UTC)):
                    raise InvalidArgument(
                        f"this authorization was already used or has expired: {START_AGAIN}")
            connected = await self._connect(units, found, code)
        return Completed(tenant_id, connected)

    async def _connect(self, units: Units[ChannelsUnit], found: OAuthState,
                       code: str) -> Connected:
        tokens = await self._exchange(found.api_base_url, code)
        rotation = MemoryRotation(tokens.refresh_token)
        client = self._clients.for_app(found.api_base_url, tokens.access, rotation)
        client_id, _ = self._clients.app_credentials()
        return await self._connector.connect(units, client, AccountDraft(
            name=found.name, api_base_url=found.api_base_url,
            public_base_url=found.public_base_url, auth_kind=AuthKind.AUTHORIZATION_CODE,
            client_id=client_id, client_secret="", subscribe_webhook=True,
            refresh_token=lambda: rotation.refresh_token))

    async def _exchange(self, api_base_url: str, code: str) -> OAuthTokens:
        # A throwaway client: it only calls /token, with the partner app's credentials.
        client = self._clients.for_app(api_base_url, None, _never_refresh)
        try:
            return await client.exchange_code(code)
        except AvitoAuthError as exc:
            raise InvalidArgument(
                f"Avito refused the authorization code ({exc.message}); codes are single-use "
                f"and short-lived: {START_AGAIN}") from None
        except AvitoUnavailable as exc:
            raise Unavailable(f"Avito is not answering, could not exchange the code "
                              f"({exc.message}): {START_AGAIN}") from None
        except AvitoError as exc:
            raise FailedPrecondition(f"Avito refused the code exchange ({exc.status}): "
                                     f"{exc.message}") from None

    def _consent_page(self, api: str) -> str:
        """Avito's consent page; an account on another API (the sandbox emulator) consents on
        that API's own `/oauth`."""
        default_api = self._settings.avito_api_base_url.strip().rstrip("/")
        return self._settings.avito_oauth_url if api == default_api else f"{api}/oauth"

    def _partner_app(self) -> str:
        client_id, secret = self._clients.app_credentials()
        if not client_id or not secret:
            raise FailedPrecondition(
                "no Avito partner app is configured on this installation: set "
                "SWITCHBOARD_AVITO_OAUTH_CLIENT_ID and SWITCHBOARD_AVITO_OAUTH_CLIENT_SECRET "
                "(an app approved on developers.avito.ru), or connect the account with its own "
                "client_id/client_secret (POST /v1/channels/avito)")
        return client_id


class MemoryRotation:
    """The refresher of an account being connected (not stored yet): keeps the latest
    refresh token in memory until it is saved with the account."""

    def __init__(self, refresh_token: str) -> None:
        self.refresh_token = refresh_token

    async def __call__(self, client: AvitoClient, refused: str | None) -> AccessToken:
        tokens = await client.refresh_tokens(self.refresh_token)
        self.refresh_token = tokens.refresh_token
        return tokens.access


async def _never_refresh(client: AvitoClient, refused: str | None) -> AccessToken:
    raise AvitoAuthError("no token to refresh: this client only exchanges codes")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
