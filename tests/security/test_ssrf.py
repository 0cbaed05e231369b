"""SSRF through the tenant's model endpoint (issue #19): every form of an address inside the
platform's network is refused when the settings are written (REST and GraphQL, both through
AgentService/UpdateSettings), an endpoint stored before the guard (or whose name moved inside)
is refused when it would be called, redirects lead nowhere inside, the errors a tenant sees say
nothing about the inside, and the operator's allowlisted LLM emulator still answers.

The "inside" is real: the gateway, PostgreSQL, nats-server, the Avito emulator, and a recording
HTTP server (tests/fixtures/inside.py) that shows whether anything reached it."""

from __future__ import annotations

import ipaddress
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from services.agent.answering.llm import Endpoint, LlmClient, LlmFailure
from services.agent.config import AgentSettings
from services.agent.settings.endpoint import ENDPOINT_FAILED, NOT_PUBLIC
from services.agent.settings.repository import SettingsRepository
from services.kernel.urls import IPAddress, OutboundGuard
from switchboard.devstack.dev import DevOptions
from switchboard.devstack.dev import _settings as dev_settings
from switchboard.devstack.postgres import EmbeddedPostgres
from switchboard.http_server import BackgroundServer
from tests.fixtures.inside import Inside
from tests.fixtures.platform import RunningPlatform, Tenant

pytestmark = pytest.mark.slow

MALFORMED = "base_url must be an http(s) URL, e.g. https://api.openai.com/v1"
UPDATE = """mutation($input: UpdateAgentSettingsInput!) {
  updateAgentSettings(input: $input) { effective { baseUrl } } }"""


@pytest.fixture(scope="module")
async def inside() -> AsyncIterator[tuple[Inside, BackgroundServer]]:
    recorder = Inside()
    async with BackgroundServer(recorder.app) as server:
        yield recorder, server


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("SSRF seller")


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


def inside_forms(platform: RunningPlatform, postgres: EmbeddedPostgres, nats_url: str,
                 server: BackgroundServer) -> list[str]:
    """What the issue's probe tried, and the same addresses spelled every other way."""
    gateway, pg, nats = _port(platform.gateway_url), _port(postgres.url()), _port(nats_url)
    avito, port = _port(platform.emulator_url), server.port
    return [
        f"http://127.0.0.1:{port}/v1", f"http://localhost:{port}/v1", f"http://2130706433:{port}/v1",
        f"http://0x7f000001:{port}/v1", f"http://017700000001:{port}/v1", f"http://127.1:{port}/v1",
        f"http://[::1]:{port}/v1", f"http://[::ffff:127.0.0.1]:{port}/v1",
        f"http://[::ffff:7f00:1]:{port}/v1", f"http://[64:ff9b::7f00:1]:{port}/v1",
        f"http://{socket.gethostname()}:{port}/v1", f"http://127.0.0.1:{gateway}/v1",
        f"http://127.0.0.1:{pg}/", f"http://localhost:{nats}/", f"http://127.0.0.1:{avito}/",
        "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/",
        "http://100.100.100.200/latest/", "http://10.0.0.1/v1", "http://192.168.1.1/v1",
        "http://100.64.0.1/v1", "http://0.0.0.0:80/v1", "https://[fe80::1]/v1",
        f"http://127.0.0.1:{port}v1", f"http://user:pw@127.0.0.1:{port}/v1",
    ]


async def test_every_inside_form_is_refused_when_the_settings_are_written(
        platform: RunningPlatform, seller: Tenant, postgres: EmbeddedPostgres, nats_url: str,
        inside: tuple[Inside, BackgroundServer]) -> None:
    recorder, server = inside
    shop = await platform.connect_sandbox_shop(seller)
    accepted = []
    for url in inside_forms(platform, postgres, nats_url, server):
        put = await seller.http.put("/v1/agent/settings", json={"base_url": url, "model": "m"})
        level = await seller.http.put("/v1/agent/settings", params={"channel_id": shop.channel["id"]},
                                      json={"base_url": url})
        gql = await seller.http.post("/graphql", json={"query": UPDATE, "variables": {
            "input": {"baseUrl": url}}})
        refusals = [put, level]
        for resp in refusals:
            if resp.status_code != 422:
                accepted.append((url, resp.status_code))
                continue
            malformed = "v1" in url.split("/")[2] or "@" in url  # a port with letters, credentials
            assert resp.json()["detail"] == (MALFORMED if malformed else NOT_PUBLIC), (url, resp.text)
        error = (gql.json().get("errors") or [{}])[0]
        if error.get("extensions", {}).get("code") != "BAD_USER_INPUT":
            accepted.append((url, "graphql"))
    assert accepted == []
    settings = (await seller.http.get("/v1/agent/settings")).json()
    assert settings["tenant"]["base_url"] == "" and settings["effective"]["model"] == ""
    assert recorder.seen == []  # every write was answered: none of them called out


async def test_the_allowlisted_emulator_is_the_one_exception(platform: RunningPlatform,
                                                             seller: Tenant) -> None:
    (await platform.llm.post("/_emulator/reset")).raise_for_status()
    put = await seller.http.put("/v1/agent/settings", json={
        "enabled": True, "base_url": f"{platform.llm_url}/v1", "model": "sandbox-chat"})
    assert put.status_code == 200, put.text
    preview = (await seller.http.post("/v1/agent/preview", json={"question": "Есть доставка?"})).json()
    assert preview["outcome"] == "reply" and preview["mode"] == "llm", preview
    requests = (await platform.llm.get("/_emulator/requests", params={"endpoint": "chat"})).json()
    assert requests["requests"]


async def store_before_the_guard(platform: RunningPlatform, tenant: Tenant, values: dict[str, Any]) -> None:
    """Settings as a platform without the guard stored them (the API now refuses them)."""
    put = await tenant.http.put("/v1/agent/settings", json={"api_key": "sk-tenant-secret"})
    assert put.status_code == 200, put.text
    async with platform.db.unit_of_work(tenant.tenant_id) as session:
        row = await SettingsRepository(session).level(None)
        assert row is not None
        row.values = {**row.values, **values}


async def test_an_endpoint_stored_before_the_guard_is_refused_when_called(
        platform: RunningPlatform, seller: Tenant,
        inside: tuple[Inside, BackgroundServer]) -> None:
    recorder, server = inside
    before = len(recorder.seen)
    await store_before_the_guard(platform, seller, {
        "enabled": True, "base_url": f"http://127.0.0.1:{server.port}/v1", "model": "m",
        "embeddings_model": "e"})

    preview = (await seller.http.post("/v1/agent/preview", json={"question": "Есть доставка?"})).json()
    assert preview["outcome"] == "handoff" and ENDPOINT_FAILED in preview["reason"], preview
    upload = await seller.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", "question,answer\nЕсть доставка?,Да\n".encode(), "text/csv"))])
    assert upload.status_code == 207, upload.text
    [document] = [r["document"] for r in upload.json()["results"]]
    assert ENDPOINT_FAILED in document["error"]
    audit = (await seller.http.get("/v1/agent/audit")).json()["items"]
    shown = [preview["reason"], document["error"], *(a["reason"] for a in audit)]
    assert all(str(server.port) not in text and "127.0.0.1" not in text for text in shown), shown
    # The preview and the upload came back: the calls are over, and none reached the inside
    # (nor carried the tenant's key there).
    assert len(recorder.seen) == before


async def test_the_model_client_follows_no_redirect_inside_and_re_vets_a_moved_name() -> None:
    """At the client itself: an allowlisted endpoint's redirect to an address that is not, and
    a name that was public when stored and resolves inside when called."""
    hidden, relay = Inside(), Inside()
    async with BackgroundServer(hidden.app) as secret, BackgroundServer(relay.app) as redirector:
        relay.redirect_to = f"http://127.0.0.1:{secret.port}/v1/chat/completions"
        settings = AgentSettings(agent_llm_client_retries=0, agent_llm_retries=0)
        llm = LlmClient(settings, guard=OutboundGuard(f"127.0.0.1:{redirector.port}"))
        endpoint = Endpoint(f"http://127.0.0.1:{redirector.port}/v1", "sk", "m", 0.3)
        with pytest.raises(LlmFailure, match=ENDPOINT_FAILED):
            await llm.complete(uuid.uuid4(), endpoint, [{"role": "user", "content": "hi"}])
        await llm.close()
        assert relay.paths and hidden.seen == []  # the redirect was answered, never followed

        answers = iter([["8.8.8.8"], ["127.0.0.1"]])

        async def moving(name: str, port: int) -> list[IPAddress]:
            return [ipaddress.ip_address(a) for a in next(answers)]

        guard = OutboundGuard(resolver=moving)
        await guard.check(f"http://llm.moving.test:{secret.port}/v1")  # public when stored
        llm = LlmClient(settings, guard=guard)
        with pytest.raises(LlmFailure, match=ENDPOINT_FAILED):
            await llm.complete(uuid.uuid4(), Endpoint(f"http://llm.moving.test:{secret.port}/v1",
                                                      "sk", "m", 0.3),
                               [{"role": "user", "content": "hi"}])
        await llm.close()
        assert hidden.seen == []


def test_the_dev_stack_allowlists_its_llm_emulator_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWITCHBOARD_OUTBOUND_ALLOW", raising=False)
    secrets = {"secret_key": "k"}
    values = dev_settings(DevOptions(), "postgresql://db", "nats://bus", secrets,
                          "http://127.0.0.1:8090", "http://127.0.0.1:8092")
    assert OutboundGuard(values["outbound_allow"]).allowed == {("127.0.0.1", 8091)}
