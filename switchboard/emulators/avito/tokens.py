"""OAuth state: partner apps, authorization codes, access tokens and rotating refresh tokens."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from switchboard.emulators.avito.ids import IdFactory
from switchboard.emulators.avito.model import Clock


class InvalidGrant(ValueError):
    """A code or refresh token that is unknown, used, expired or another app's."""


@dataclass
class PartnerApp:
    client_id: str
    client_secret: str
    redirect_uri: str
    name: str


@dataclass
class AccessToken:
    value: str
    user_id: int
    expires_at: float
    scopes: frozenset[str] | None = None  # None: client_credentials, everything the tariff allows


@dataclass
class RefreshToken:
    value: str
    user_id: int
    client_id: str
    scope: str
    expires_at: float


@dataclass
class AuthCode:
    value: str
    user_id: int
    client_id: str
    scope: str
    expires_at: float


@dataclass(frozen=True)
class Lifetimes:
    access_s: float
    refresh_s: float
    code_s: float


def secret_matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


class Tokens:
    def __init__(self, ids: IdFactory, clock: Clock, lifetimes: Lifetimes) -> None:
        self.apps: dict[str, PartnerApp] = {}
        self.refresh: dict[str, RefreshToken] = {}
        self._access: dict[str, AccessToken] = {}
        self._codes: dict[str, AuthCode] = {}
        self._ids = ids
        self._clock = clock
        self._life = lifetimes

    def add_app(self, app: PartnerApp) -> None:
        self.apps[app.client_id] = app

    def authenticate_app(self, client_id: str, client_secret: str) -> PartnerApp | None:
        app = self.apps.get(client_id)
        return app if app and secret_matches(app.client_secret, client_secret) else None

    def issue_access(self, user_id: int, scopes: frozenset[str] | None = None) -> AccessToken:
        self._purge()
        token = AccessToken(self._ids.access_token(), user_id,
                            self._clock.now() + self._life.access_s, scopes)
        self._access[token.value] = token
        return token

    def find_access(self, value: str) -> AccessToken | None:
        return self._access.get(value)

    def is_expired(self, token: AccessToken) -> bool:
        return self._clock.now() >= token.expires_at

    def expire_all(self) -> int:
        """Token expiry mid-run: every access token issued so far stops working now."""
        now = self._clock.now()
        live = [t for t in self._access.values() if t.expires_at > now]
        for token in live:
            token.expires_at = now
        return len(live)

    def forget_access(self) -> None:
        self._access.clear()

    def new_code(self, app: PartnerApp, user_id: int, scope: str) -> AuthCode:
        code = AuthCode(self._ids.secret(32), user_id, app.client_id, scope,
                        self._clock.now() + self._life.code_s)
        self._codes[code.value] = code
        return code

    def redeem_code(self, app: PartnerApp, value: str) -> AuthCode:
        """Single use: a code is gone after its first exchange, successful or not."""
        code = self._codes.pop(value, None)
        if code is None or code.client_id != app.client_id or self._is_past(code.expires_at):
            raise InvalidGrant("authorization code is invalid, expired or already used")
        return code

    def issue_refresh(self, app: PartnerApp, user_id: int, scope: str) -> RefreshToken:
        token = RefreshToken(self._ids.secret(33), user_id, app.client_id, scope,
                             self._clock.now() + self._life.refresh_s)
        self.refresh[token.value] = token
        return token

    def rotate(self, app: PartnerApp, value: str) -> RefreshToken:
        """Spend a refresh token (single use) and hand back its replacement."""
        old = self.refresh.get(value)
        if old is None or old.client_id != app.client_id or self._is_past(old.expires_at):
            raise InvalidGrant("refresh token is invalid, expired or already used")
        del self.refresh[value]
        return self.issue_refresh(app, old.user_id, old.scope)

    def _is_past(self, moment: float) -> bool:
        return self._clock.now() >= moment

    def _purge(self) -> None:
        # Keep recently expired tokens (they answer 403, not 401) but not forever.
        if len(self._access) % 1024:
            return
        horizon = self._clock.now() - 86_400
        self._access = {k: t for k, t in self._access.items() if t.expires_at > horizon}
