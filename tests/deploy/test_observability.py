"""Dashboards and alert rules: valid, shipped identically by the chart, and every metric they
query exported by the running platform (a live /metrics scrape after a message went through and
the AI agent answered a buyer)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from switchboard.components import COMPONENTS
from switchboard.credentials import Credentials
from tests.deploy.chart import CHART, FULLNAME, ROOT, find, rendered
from tests.e2e.telegram_bot import bot_component
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform

# Dashboards and alert rules live once, in the chart (Helm reads them with .Files.Get).
GRAFANA = CHART / "dashboards"
ALERTS = CHART / "prometheus" / "alerts.yaml"
OPERATIONS = ROOT / "docs" / "operations.md"
METRIC = re.compile(r"\bswitchboard_[a-z0-9_]+")
SUFFIXES = ("_bucket", "_sum", "_count", "_created")
DASHBOARDS = sorted(GRAFANA.glob("*.json"))
FAQ = Path(__file__).resolve().parents[1] / "fixtures" / "agent" / "faq_ru.csv"
KAZAN_ANSWER = "Да, в Казань отправляем через СДЭК и Авито Доставку"


def _base(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    panels = []
    for panel in board["panels"]:
        panels += [panel, *panel.get("panels", [])]
    return panels


def _queries(board: dict[str, Any]) -> list[str]:
    exprs = [t["expr"] for p in _panels(board) for t in p.get("targets", [])]
    exprs += [v["definition"] for v in board["templating"]["list"] if v.get("definition")]
    return exprs


def _rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def test_dashboards_are_valid_grafana_json() -> None:
    titles = set()
    assert {p.name for p in DASHBOARDS} >= {"platform-overview.json", "message-pipeline.json",
                                           "per-service-red.json", "ai-agent.json"}
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        assert board["uid"] and board["title"] and board["schemaVersion"] >= 36, path.name
        titles.add(board["title"])
        ids = [p["id"] for p in _panels(board)]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate panel ids"
        for panel in _panels(board):
            if panel["type"] == "row":
                continue
            assert panel["targets"] and panel["datasource"]["uid"] == "${datasource}", panel["title"]
            assert all(METRIC.search(t["expr"]) for t in panel["targets"]), panel["title"]
    assert len(titles) == len(DASHBOARDS)


def test_the_chart_installs_every_dashboard_and_the_rules() -> None:
    production = rendered("production")
    maps = [m for m in find(production, "ConfigMap")
            if m["metadata"]["labels"].get("grafana_dashboard") == "1"]
    assert sorted(name for m in maps for name in m["data"]) == [p.name for p in DASHBOARDS]
    for board in maps:
        for name, text in board["data"].items():
            assert json.loads(text) == json.loads((GRAFANA / name).read_text())
    [rule] = find(production, "PrometheusRule", FULLNAME)
    assert rule["spec"] == yaml.safe_load(ALERTS.read_text())


def test_alert_rules_are_complete() -> None:
    rules = _rules()
    anchors = {"#" + h.strip("# ").lower() for h in OPERATIONS.read_text().splitlines()
               if h.startswith("#")}
    names = {r["alert"] for r in rules}
    assert {"SwitchboardPipelineStalled", "SwitchboardConsumerLagGrowing", "SwitchboardDeadLetters",
            "SwitchboardWebhooksSilent", "SwitchboardHttpErrors", "SwitchboardGrpcErrors",
            "SwitchboardOutboxStale", "SwitchboardTelegramUpdatesDeadLettered"} <= names
    assert len(names) == len(rules)
    for rule in rules:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning"}
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert {"summary", "description", "runbook"} <= set(rule["annotations"])
        assert rule["annotations"]["runbook"].split("operations.md", 1)[1] in anchors, rule["alert"]
        assert METRIC.search(rule["expr"]) and rule["expr"].count("(") == rule["expr"].count(")")


async def _agent_answers_a_buyer(platform: RunningPlatform) -> None:
    """A FAQ uploaded over REST, the agent on with a 1 s silence window, a buyer asks: the
    agent's answer reaches the channel (tests/e2e/test_agent.py drives the same)."""
    seller = await platform.new_tenant("Agent metrics shop")
    shop = await platform.connect_sandbox_shop(seller)
    upload = await seller.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", FAQ.read_bytes(), "text/csv"))])
    assert upload.status_code == 207 and upload.json()["stored"] == 1, upload.text
    enabled = await seller.http.put("/v1/agent/settings", json={"enabled": True})
    assert enabled.status_code == 200, enabled.text
    override = await seller.http.put("/v1/agent/settings", params={"channel_id": shop.channel["id"]},
                                     json={"silence_window_s": 1})
    assert override.status_code == 200, override.text
    await platform.buyer_writes(shop, "а доставка в Казань есть?")

    async def answered() -> bool:
        return any(KAZAN_ANSWER in s["text"] for s in await platform.sent(shop))
    await eventually(answered, within=20)
    await seller.http.aclose()


def _agent_replied(scrape: str) -> bool:
    return any(s.name == "switchboard_agent_outcomes_total" and s.labels["outcome"] == "reply"
               and s.value > 0 for s in _samples(scrape))


@pytest.fixture(scope="module")
async def scrape(platform: RunningPlatform, credentials: Credentials) -> str:
    """The gateway's /metrics on its metrics port (every component's, in `serve all`) after a
    buyer's message and a reply went through, and the AI agent answered another buyer from
    its FAQ."""
    await _agent_answers_a_buyer(platform)
    seller = await platform.new_tenant("Metrics shop")
    shop = await platform.connect_sandbox_shop(seller)
    await platform.buyer_writes(shop, "Здравствуйте, есть в наличии?")

    async def conversation() -> dict[str, Any] | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return items[0] if items else None
    conv = await eventually(conversation)
    reply = await seller.http.post(f"/v1/conversations/{conv['id']}/messages", json={"text": "Да"})
    assert reply.status_code == 201, reply.text

    async def sent() -> bool:
        return any(s["text"] == "Да" for s in await platform.sent(shop))
    await eventually(sent)
    await seller.http.aclose()
    # The telegram-bot component beside them (`serve all` runs it in the same process, whose
    # /metrics this is): its series exist from its start.
    async with bot_component(platform, credentials):
        await eventually(lambda: _has_telegram_series(platform))

    async def metrics() -> str:  # the agent counts its outcome after sending the reply
        text = (await platform.emulator.get(_metrics_url(platform))).text
        assert _agent_replied(text), "the agent's reply is not counted yet"
        return text
    return await eventually(metrics)


async def _has_telegram_series(platform: RunningPlatform) -> bool:
    text = (await platform.emulator.get(_metrics_url(platform))).text
    return any(s.name == "switchboard_telegram_updates_total" for s in _samples(text))


def _metrics_url(platform: RunningPlatform) -> str:
    return f"http://127.0.0.1:{platform.settings.metrics_port}/metrics"


async def test_metrics_are_served_on_their_own_port_only(platform: RunningPlatform) -> None:
    """Not on the public port, which the chart's Ingress routes (was: anyone could read them)."""
    public = await platform.emulator.get(f"{platform.gateway_url}/metrics")
    assert public.status_code == 404 and "switchboard_" not in public.text
    scraped = await platform.emulator.get(_metrics_url(platform))
    assert scraped.status_code == 200 and "switchboard_http_requests_total" in scraped.text


def _samples(scrape: str) -> list[Any]:
    return [sample for family in text_string_to_metric_families(scrape) for sample in family.samples]


@pytest.fixture(scope="module")
def exported(scrape: str) -> set[str]:
    """Every metric the running code registered (a `# TYPE` line: a labelled metric has no
    sample before its first event) and every sample's name."""
    declared = set(re.findall(r"^# TYPE (\S+) ", scrape, re.MULTILINE))
    return {_base(name) for name in declared} | {_base(s.name) for s in _samples(scrape)}


def _unknown(expressions: list[str], exported: set[str]) -> set[str]:
    return {_base(m) for e in expressions for m in METRIC.findall(e)} - exported


@pytest.mark.slow
async def test_dashboards_query_only_exported_metrics(exported: set[str]) -> None:
    for path in DASHBOARDS:
        unknown = _unknown(_queries(json.loads(path.read_text())), exported)
        assert not unknown, f"{path.name} queries metrics nothing exports: {sorted(unknown)}"


@pytest.mark.slow
async def test_alerts_use_only_exported_metrics(exported: set[str]) -> None:
    unknown = _unknown([r["expr"] for r in _rules()], exported)
    assert not unknown, f"alerts.yaml uses metrics nothing exports: {sorted(unknown)}"


@pytest.mark.slow
async def test_pipeline_health_metrics_have_samples(scrape: str) -> None:
    sampled = {_base(s.name) for s in _samples(scrape)}
    assert {"switchboard_bus_consumer_pending", "switchboard_bus_consumer_ack_pending",
            "switchboard_bus_redeliveries_total", "switchboard_bus_dead_letters_total",
            "switchboard_outbox_backlog", "switchboard_outbox_oldest_age_seconds",
            "switchboard_http_request_duration_seconds",
            "switchboard_grpc_server_duration_seconds"} <= sampled


@pytest.mark.slow
async def test_the_ai_dashboard_shows_a_running_agent(scrape: str) -> None:
    # The agent is a component of `serve all`, so the live scrape has its samples; the dashboard
    # and the agent's alerts query them.
    assert "agent" in COMPONENTS
    board = json.loads((GRAFANA / "ai-agent.json").read_text())
    queried = {_base(m) for e in _queries(board) for m in METRIC.findall(e)}
    alerted = {_base(m) for r in _rules() for m in METRIC.findall(r["expr"])}
    assert {"switchboard_agent_outcomes_total", "switchboard_agent_handoffs_total",
            "switchboard_agent_llm_requests_total", "switchboard_agent_llm_duration_seconds",
            "switchboard_agent_tokens_total"} <= queried
    assert {"switchboard_agent_outcomes_total", "switchboard_agent_llm_requests_total"} <= alerted
    samples = _samples(scrape)
    sampled = {_base(s.name) for s in samples}
    assert {"switchboard_agent_outcomes_total", "switchboard_agent_reply_delay_seconds",
            "switchboard_agent_pending_claimed_total", "switchboard_agent_tokens_total",
            "switchboard_agent_llm_duration_seconds", "switchboard_knowledge_documents_total",
            "switchboard_knowledge_retrieval_duration_seconds"} <= sampled
    assert any(s.name == "switchboard_agent_outcomes_total" and s.value > 0
               and s.labels == {"outcome": "reply", "mode": "faq"} for s in samples)
    consumers = {s.labels["consumer"] for s in samples
                 if s.name == "switchboard_bus_consumer_pending"}
    assert {"agent-inbound", "agent-human"} <= consumers


@pytest.mark.slow
async def test_http_routes_are_labelled_by_their_full_template(scrape: str) -> None:
    routes = {s.labels["route"] for s in _samples(scrape) if s.name == "switchboard_http_requests_total"}
    assert {"/v1/conversations", "/v1/conversations/{conversation_id}/messages",
            "/webhooks/avito/{channel_id}/{webhook_token}"} <= routes
    assert not any(r.startswith("/conversations") for r in routes)


@pytest.mark.slow
async def test_alerts_name_only_running_consumers(scrape: str) -> None:
    consumers = {s.labels["consumer"] for s in _samples(scrape) if "consumer" in s.labels}
    named = {c for r in _rules() for c in re.findall(r'consumer="([^"]+)"', r["expr"])}
    assert named and named <= consumers, named - consumers
