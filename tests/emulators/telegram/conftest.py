"""Fixtures of the Telegram emulator tests: a started emulator and a webhook receiver."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from switchboard.http_server import BackgroundServer
from tests.emulators.telegram.helpers import Receiver, Telegram, serving

Start = Callable[..., Awaitable[Telegram]]


@pytest.fixture
async def start() -> AsyncIterator[Start]:
    async with contextlib.AsyncExitStack() as stack:

        async def _start(**settings: object) -> Telegram:
            return await stack.enter_async_context(serving(**settings))

        yield _start


@pytest.fixture
async def telegram(start: Start) -> Telegram:
    """Flood limits off: the tests that are about them turn them on."""
    return await start(seed=12, limits={"enabled": False}, webhook_retry_base_s=0.05)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with BackgroundServer(receiver.app()) as server:
        receiver.url = f"{server.url}/hook"
        yield receiver
