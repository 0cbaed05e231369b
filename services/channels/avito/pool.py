"""One AvitoClient per channel account per process, so the account's cached token and its
rate bucket are shared by every consumer and RPC of this replica."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable

import httpx

from services.channels.avito.client import (
    AccessToken,
    AvitoClient,
    RetryPolicy,
    TokenRefresher,
    TokenSink,
)
from services.channels.avito.ratelimit import TokenBucket
from services.channels.config import ChannelsSettings
from services.channels.models import AuthKind, ChannelAccount
from services.kernel.crypto import SecretBox

# Makes the callback that persists a refreshed token on the account's row (tenant, channel).
TokenSinkFactory = Callable[[uuid.UUID, uuid.UUID], TokenSink]
# Makes the refresher of an authorization-code account (tenant, channel): it spends the stored
# refresh token and persists the rotated one.
RefresherFactory = Callable[[uuid.UUID, uuid.UUID], TokenRefresher]

_MAX_CLIENTS = 10_000


class AvitoClients:
    def __init__(self, http: httpx.AsyncClient, settings: ChannelsSettings, box: SecretBox,
                 token_sink: TokenSinkFactory | None = None,
                 refresher: RefresherFactory | None = None) -> None:
        self._http, self._settings, self._box = http, settings, box
        self._token_sink, self._refresher = token_sink, refresher
        self.policy = RetryPolicy(
            max_attempts=settings.avito_max_attempts,
            backoff_base_s=settings.avito_backoff_base_s,
            backoff_max_s=settings.avito_backoff_max_s,
            retry_after_max_s=settings.avito_retry_after_max_s)
        # channel id -> (what the client was built from, the client); least recently used first.
        self._clients: OrderedDict[uuid.UUID, tuple[tuple[str, str, bytes, int], AvitoClient]] = \
            OrderedDict()

    def for_credentials(self, base_url: str, client_id: str, client_secret: str) -> AvitoClient:
        """A fresh client for credentials not stored yet (connecting an account)."""
        return AvitoClient(self._http, base_url=base_url, client_id=client_id,
                           client_secret=client_secret, policy=self.policy, bucket=self._bucket())

    def for_app(self, base_url: str, token: AccessToken | None,
                refresher: TokenRefresher) -> AvitoClient:
        """A client acting for a seller through the platform's partner app. Never without a
        refresher: a client_credentials token of the app would act as the app's own account."""
        client_id, secret = self.app_credentials()
        return AvitoClient(self._http, base_url=base_url, client_id=client_id,
                           client_secret=secret, policy=self.policy, bucket=self._bucket(),
                           token=token, refresher=refresher)

    def app_credentials(self) -> tuple[str, str]:
        s = self._settings
        return s.avito_oauth_client_id, s.avito_oauth_client_secret.get_secret_value()

    def for_account(self, account: ChannelAccount) -> AvitoClient:
        """The account's shared client; rebuilt if its stored credentials changed."""
        fingerprint = (account.api_base_url, account.client_id, account.client_secret_enc,
                       account.auth_kind)
        cached = self._clients.get(account.id)
        if cached is not None and cached[0] == fingerprint:
            self._clients.move_to_end(account.id)
            return cached[1]
        if account.auth_kind == AuthKind.AUTHORIZATION_CODE:
            # The partner app's secret comes from settings; the refresher persists tokens.
            if self._refresher is None:
                raise RuntimeError("authorization-code accounts need a refresher factory")
            client = self.for_app(account.api_base_url, self._stored_token(account),
                                  self._refresher(account.tenant_id, account.id))
        else:
            sink = self._token_sink(account.tenant_id, account.id) if self._token_sink else None
            client = AvitoClient(
                self._http, base_url=account.api_base_url, client_id=account.client_id,
                client_secret=self._box.decrypt(account.client_secret_enc), policy=self.policy,
                bucket=self._bucket(), token=self._stored_token(account), on_token=sink)
        self._clients[account.id] = (fingerprint, client)
        if len(self._clients) > _MAX_CLIENTS:
            self._clients.popitem(last=False)
        return client

    def _bucket(self) -> TokenBucket:
        return TokenBucket(self._settings.avito_rate_per_s, self._settings.avito_rate_burst)

    def _stored_token(self, account: ChannelAccount) -> AccessToken | None:
        """The token another replica (or the connect call) saved, if it is still usable."""
        if account.access_token_enc is None or account.token_expires_at is None:
            return None
        token = AccessToken(self._box.decrypt(account.access_token_enc),
                            account.token_expires_at.timestamp())
        return token if token.fresh() else None
