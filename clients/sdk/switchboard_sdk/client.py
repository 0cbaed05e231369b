"""`Switchboard`: the client. One per app; an async context manager (it holds a connection pool).

    async with Switchboard("https://switchboard.example.com", api_key="sb_...") as sb:
        page = await sb.conversations(ConversationFilter(unread_only=True))
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from switchboard_sdk._http import Transport
from switchboard_sdk._version import __version__
from switchboard_sdk.api_keys import ApiKeysApi
from switchboard_sdk.exports import ExportsApi
from switchboard_sdk.inbox import InboxApi
from switchboard_sdk.live import EventStream
from switchboard_sdk.plan import PlanApi
from switchboard_sdk.reports import ReportsApi
from switchboard_sdk.retry import Backoff
from switchboard_sdk.shop import AgentApi, ChannelsApi
from switchboard_sdk.synonyms import SynonymsApi
from switchboard_sdk.telegram_bots import TelegramBotsApi
from switchboard_sdk.telegram_links import TelegramLinksApi
from switchboard_sdk.webhooks import WebhooksApi

USER_AGENT = f"switchboard-sdk/{__version__}"


class Switchboard(InboxApi, ChannelsApi, AgentApi, TelegramLinksApi, TelegramBotsApi, ReportsApi,
                  ExportsApi, WebhooksApi, ApiKeysApi, PlanApi, SynonymsApi):
    """The Switchboard API for one tenant, as its API key allows (scopes read, write, admin).

    `timeout` bounds each HTTP request and the WebSocket's opening (seconds); `retries` is how
    many times a safe request is repeated after a transport error or a 502/503/504, waiting
    `backoff` between tries. Methods raise `SwitchboardError` subclasses (`errors.py`).
    """

    def __init__(self, base_url: str, *, api_key: str, timeout: float = 10.0, retries: int = 3,
                 backoff: Backoff | None = None) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an http(s) URL, e.g. https://switchboard.example.com; "
                             f"got {base_url!r}")
        if not api_key or not api_key.strip():
            raise ValueError("api_key is required (an API key of your tenant, sb_...)")
        if timeout <= 0 or retries < 0:
            raise ValueError("timeout must be positive and retries at least 0")
        self.base_url = base_url.rstrip("/")
        self._api_key, self._timeout = api_key, timeout
        self._backoff = backoff or Backoff()
        self._transport = Transport(self.base_url, api_key, timeout=timeout, retries=retries,
                                    backoff=self._backoff, user_agent=USER_AGENT)
        self._streams: weakref.WeakSet[EventStream] = weakref.WeakSet()

    async def __aenter__(self) -> Switchboard:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close open event streams and the connection pool."""
        for stream in list(self._streams):
            await stream.aclose()
        await self._transport.aclose()

    def conversation_events(self, after: str | None = None, *,
                            max_reconnects: int | None = 10) -> EventStream:
        """Live events of your inbox: `async for event in sb.conversation_events(after=...)`.

        Without `after`, from now on; with the `event_id` of the last event you handled, first
        what happened since (in order, each once), or a `ResetEvent` if that is too far back.
        Drops are survived by reconnecting (backoff with jitter) and resuming after the last
        event; `max_reconnects` failed attempts in a row (None: no limit) raise ConnectionFailed.
        """
        stream = EventStream(self._ws_url(), self._api_key, after, open_timeout=self._timeout,
                             backoff=self._backoff, max_reconnects=max_reconnects,
                             user_agent=USER_AGENT)
        self._streams.add(stream)
        return stream

    async def execute(self, document: str, variables: Mapping[str, Any] | None = None, *,
                      safe: bool = False) -> dict[str, Any]:
        """Any GraphQL operation, for what a newer server offers before this SDK does: the
        `data` as JSON. `safe=True` lets a read be retried."""
        data: dict[str, Any] = await self._transport.graphql(document, variables or {}, safe=safe)
        return data

    def _ws_url(self) -> str:
        scheme = "wss" if self.base_url.startswith("https:") else "ws"
        return f"{scheme}:{self.base_url.split(':', 1)[1]}/graphql"
