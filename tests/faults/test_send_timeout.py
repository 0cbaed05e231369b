"""Avito slower than our timeout on a send: the client must not send the message again.

Avito does what the request asked even when our client stopped waiting; repeating the POST
puts a second copy in the buyer's chat (the fault suite's "Avito timeouts" scenario found
agent replies sent three times). The sender checks the chat on the command's next delivery
instead, once the attempt's lease has passed (`messaging/outbound.py`, an interrupted attempt;
tests/services/channels/test_send_in_flight.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.channels.avito.client import AvitoClient, RetryPolicy
from services.channels.avito.errors import AvitoUnavailable
from services.channels.avito.ratelimit import TokenBucket
from switchboard.emulators.avito import AvitoEmulatorSettings
from switchboard.emulators.avito import create_app as create_avito_emulator
from switchboard.http_server import BackgroundServer
from tests.fixtures.events import eventually
from tests.fixtures.in_flight import InFlight


@pytest.fixture
async def emulator() -> AsyncIterator[tuple[BackgroundServer, InFlight]]:
    app = InFlight(create_avito_emulator(AvitoEmulatorSettings()))
    async with BackgroundServer(app) as server:
        yield server, app


async def test_a_send_that_timed_out_is_not_repeated(
        emulator: tuple[BackgroundServer, InFlight]) -> None:
    server, in_flight = emulator
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as control, \
            httpx.AsyncClient(timeout=0.5) as http:
        account = (await control.post("/_emulator/accounts", json={})).raise_for_status().json()
        user_id = account["user_id"]
        chat_id = (await control.post(f"/_emulator/accounts/{user_id}/incoming", json={
            "text": "Здравствуйте"})).raise_for_status().json()["chat_id"]
        client = AvitoClient(http, base_url=server.url, client_id=account["client_id"],
                             client_secret=account["client_secret"], bucket=TokenBucket(100, 100),
                             policy=RetryPolicy(max_attempts=3, backoff_base_s=0.01,
                                                backoff_max_s=0.02))
        await client.accounts_self()  # the token first: only the send is held below
        (await control.post("/_emulator/faults", json={
            "endpoint": "send", "latency_ms": 1500, "count": 1})).raise_for_status()

        outcome = "sent"
        try:
            await client.send_text(user_id, chat_id, "Добрый день!")
        except AvitoUnavailable as exc:
            outcome = exc.message

        async def settled() -> bool:  # the held send finished at the emulator
            return in_flight.count == 0
        await eventually(settled, within=10)
        sent = (await control.get(f"/_emulator/accounts/{user_id}/sent")).json()["sent"]
        assert [s["text"] for s in sent] == ["Добрый день!"]  # it went out, once
        # ... and the caller knows it is unsure: the sender checks the chat before trying again
        assert outcome == "Avito did not answer (ReadTimeout)"
