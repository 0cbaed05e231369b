"""Fixtures of the Avito emulator tests: a started emulator and a webhook receiver."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from switchboard.http_server import BackgroundServer
from tests.emulators.avito.helpers import Avito, Receiver, Start, serving


@pytest.fixture
async def start() -> AsyncIterator[Start]:
    async with contextlib.AsyncExitStack() as stack:

        async def _start(**settings: object) -> Avito:
            return await stack.enter_async_context(serving(**settings))

        yield _start


@pytest.fixture
async def avito(start: Start) -> Avito:
    return await start(seed=7)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    async with BackgroundServer(receiver.app()) as server:
        receiver.url = f"{server.url}/hook"
        yield receiver
