"""Bad input against the running platform (the session's `platform`): a seeded tenant (a
sandbox shop, a conversation with a buyer's message and a reply, a knowledge document, a
read-only key) whose real ids the fuzzers use besides generated ones, and what the tenant has
stored, to show that garbage stored nothing.

Fuzzers run hypothesis in a worker thread (`asyncio.to_thread`): the platform serves on this
event loop, which must stay free while the thread sends its blocking requests.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from sqlalchemy import text

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

PROBLEM = "application/problem+json"
# The fuzzers' time budget (the whole folder in ~3 minutes on 2 cores): few examples each,
# a fixed seed (derandomize) so CI sees the same inputs every run, no example database.
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
                print_blob=False)
# An LLM endpoint nothing listens on (loopback, a closed port): a fuzzed agent setting must
# never make the platform call out to an address a fuzzer made up.
NOWHERE = "http://127.0.0.1:9/v1"


@dataclass
class World:
    """A tenant with something of everything, and the ids to reach it."""

    tenant: Tenant
    shop: SandboxShop
    chat_id: str  # the conversation's chat on the emulator
    conversation_id: str
    message_id: str
    document_id: str
    read_key: str

    @property
    def channel_id(self) -> str:
        return str(self.shop.channel["id"])

    @property
    def webhook_path(self) -> str:
        url = self.shop.channel["webhook_url"]
        return str(url[url.index("/webhooks/"):])


async def seed_world(platform: RunningPlatform, name: str) -> World:
    tenant = await platform.new_tenant(name)
    shop = await platform.connect_sandbox_shop(tenant)
    written = await platform.buyer_writes(shop, "Здравствуйте, товар в наличии?")

    async def landed() -> str | None:
        items = (await tenant.http.get("/v1/conversations")).json()["items"]
        found = [c for c in items if c["external_chat_id"] == written["chat_id"]]
        return str(found[0]["id"]) if found else None
    conversation_id = await eventually(landed, within=20)
    reply = await tenant.http.post(f"/v1/conversations/{conversation_id}/messages",
                                   json={"text": "Да, в наличии"})
    assert reply.status_code == 201, reply.text
    document = await tenant.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", "question,answer\nЕсть доставка?,Да, по всей России\n".encode(),
                   "text/csv"))])
    assert document.status_code in (200, 207), document.text
    key = await tenant.http.post("/v1/api-keys", json={"name": "viewer", "scopes": ["read"]})
    assert key.status_code == 201, key.text
    return World(tenant, shop, written["chat_id"], conversation_id, reply.json()["id"],
                 document.json()["results"][0]["document"]["id"], key.json()["key"])


@pytest.fixture(scope="module")
async def world(platform: RunningPlatform) -> World:
    return await seed_world(platform, f"Fuzz {uuid.uuid4().hex[:6]}")


# What a tenant has stored, table by table: garbage must change none of it.
_STORED = {
    "messages": "SELECT count(*) FROM conversations.messages",
    "conversations": "SELECT count(*) FROM conversations.conversations",
    "contacts": "SELECT count(*) FROM conversations.contacts",
    "labels": "SELECT coalesce(sum(cardinality(labels)), 0) FROM conversations.conversations",
    "channels": "SELECT count(*) FROM channels.channel_accounts",
    "documents": "SELECT count(*) FROM agent.documents",
    "api_keys": "SELECT count(*) FROM identity.api_keys",
}


async def stored(platform: RunningPlatform, tenant_id: uuid.UUID) -> dict[str, Any]:
    async with platform.db.unit_of_work(tenant_id) as session:
        return {name: await session.scalar(text(sql)) for name, sql in _STORED.items()}


# Per fuzzer, what came back (statuses, gRPC codes, GraphQL error codes) and how many server
# errors: one line each at the end of the session.
REPORT: dict[str, tuple[Counter[str], int]] = {}


def report(fuzzer: str, outcomes: Counter[Any], server_errors: int) -> None:
    seen, errors = REPORT.get(fuzzer, (Counter(), 0))
    seen.update({str(k): v for k, v in outcomes.items()})
    REPORT[fuzzer] = (seen, errors + server_errors)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("fuzz: per fuzzer, requests sent and server errors")
        for fuzzer, (seen, errors) in REPORT.items():
            shown = ", ".join(f"{k} x{v}" for k, v in sorted(seen.items()))
            terminalreporter.write_line(f"{fuzzer}: {sum(seen.values())} requests, {errors} "
                                        f"server errors ({shown})")


def problem_failure(response: httpx.Response) -> str | None:
    """What is wrong with a refusal: a 5xx, or a 4xx that is not problem+json with a detail."""
    if response.status_code >= 500:
        return f"{response.status_code} server error: {response.text[:200]}"
    if response.status_code < 400:
        return None
    if not response.headers.get("content-type", "").startswith(PROBLEM):
        return f"{response.status_code} not problem+json: {response.text[:200]}"
    try:
        detail = response.json().get("detail")
    except ValueError:
        return f"{response.status_code} problem+json that is not JSON: {response.text[:200]}"
    return None if isinstance(detail, str) and detail else f"{response.status_code} without a detail"
