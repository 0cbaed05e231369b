"""One trace per message: from the webhook's HTTP span through gRPC and NATS to the stored
message (and its outbox event), and from the seller's reply to the send and its delivery."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from services.kernel.telemetry import configure_tracing
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


class _Recorder(SpanProcessor):
    """Hands finished spans to the in-memory exporter while this module runs."""

    def __init__(self, exporter: InMemorySpanExporter) -> None:
        self.exporter, self.active = exporter, True

    def on_end(self, span: ReadableSpan) -> None:
        if self.active:
            self.exporter.export([span])


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    recorder = _Recorder(exporter)
    configure_tracing("switchboard-tests", processor=recorder)
    yield exporter
    recorder.active = False  # a provider cannot drop a processor: this one goes quiet
    exporter.clear()


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Traced shop")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


def _find(spans: list[ReadableSpan], name: str, kind: SpanKind, destination: str = "") -> ReadableSpan:
    found = [s for s in spans if s.name == name and s.kind == kind
             and str(s.attributes.get("messaging.destination", "")).startswith(destination)]
    assert len(found) == 1, f"{len(found)} {kind.name} spans {name!r} to {destination!r}"
    return found[0]


def _lineage(spans: list[ReadableSpan], leaf: ReadableSpan) -> list[ReadableSpan]:
    """`leaf` and its recorded ancestors, root first."""
    by_id = {s.context.span_id: s for s in spans}
    line = [leaf]
    while line[0].parent is not None and line[0].parent.span_id in by_id:
        line.insert(0, by_id[line[0].parent.span_id])
    return line


def _assert_chain(spans: list[ReadableSpan], leaf: ReadableSpan,
                  expected: list[tuple[str, SpanKind]]) -> list[ReadableSpan]:
    """The spans from the root of `leaf`'s trace down to it are, in order, `expected` (spans in
    between are allowed), all in one trace. Returns the matched spans."""
    line = _lineage(spans, leaf)
    assert len({s.context.trace_id for s in line}) == 1
    matched, rest = [], iter(line)
    for name, kind in expected:
        span = next((s for s in rest if s.name == name and s.kind == kind), None)
        assert span is not None, f"{name} ({kind.name}) missing from {[s.name for s in line]}"
        matched.append(span)
    return matched


async def _recorded(exporter: InMemorySpanExporter, needed: list[tuple[str, str]]) -> list[ReadableSpan]:
    """Wait until every (span name, destination prefix) pair was recorded."""
    async def complete() -> list[ReadableSpan] | None:
        spans = list(exporter.get_finished_spans())
        have = {(s.name, str(s.attributes.get("messaging.destination", ""))) for s in spans}
        return spans if all(any(n == name and d.startswith(dest) for n, d in have)
                            for name, dest in needed) else None
    return await eventually(complete, within=15)


WEBHOOK_ROUTE = "/webhooks/avito/{channel_id}/{webhook_token}"


async def test_an_inbound_message_is_one_trace(platform: RunningPlatform, seller: Tenant,
                                               shop: SandboxShop, spans: InMemorySpanExporter) -> None:
    t = seller.tenant_id
    await platform.buyer_writes(shop, "Добрый день! Диван ещё есть?")
    recorded = await _recorded(spans, [
        ("consume conversations-inbound", f"sb.channels.{t}.message.inbound"),
        ("publish sb.conversations", f"sb.conversations.{t}.message.received")])
    # The outbox row kept the consumer's context: the relay's publish ends the same trace.
    stored = _find(recorded, "publish sb.conversations", SpanKind.PRODUCER,
                   f"sb.conversations.{t}.message.received")
    webhook, publish, consume_webhook, inbound, consume_inbound, _ = _assert_chain(recorded, stored, [
        (f"POST {WEBHOOK_ROUTE}", SpanKind.SERVER),
        ("publish sb.webhooks", SpanKind.PRODUCER),
        ("consume channels-webhooks", SpanKind.CONSUMER),
        ("publish sb.channels", SpanKind.PRODUCER),
        ("consume conversations-inbound", SpanKind.CONSUMER),
        ("publish sb.conversations", SpanKind.PRODUCER)])
    assert webhook.parent is None  # Avito sends no trace context: the trace starts here
    assert webhook.attributes["http.route"] == WEBHOOK_ROUTE
    assert webhook.attributes["http.request.method"] == "POST"
    assert webhook.attributes["http.response.status_code"] == 200
    assert publish.attributes["messaging.destination"] == f"sb.webhooks.{t}.avito.received"
    assert publish.attributes["messaging.system"] == "nats"
    assert str(publish.attributes["messaging.message.id"]).startswith("avito:")
    assert publish.attributes["messaging.nats.stream"] == "SB_WEBHOOKS"
    assert publish.attributes["messaging.nats.duplicate"] is False
    assert consume_webhook.attributes["messaging.consumer"] == "channels-webhooks"
    assert inbound.attributes["messaging.destination"] == f"sb.channels.{t}.message.inbound"
    assert consume_inbound.attributes["messaging.system"] == "nats"
    assert consume_inbound.attributes["messaging.nats.delivery_attempt"] == 1
    # The gateway resolved the channel's owner over gRPC, inside the same trace.
    trace_spans = [s for s in recorded if s.context.trace_id == webhook.context.trace_id]
    [resolve] = [s for s in trace_spans if s.name.endswith("ChannelsService/ResolveWebhook")]
    assert resolve.kind == SpanKind.SERVER and resolve.attributes["rpc.system"] == "grpc"
    assert _lineage(recorded, resolve)[0] is webhook


async def test_a_reply_is_one_trace_to_the_send_and_its_delivery(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop,
        spans: InMemorySpanExporter) -> None:
    t = seller.tenant_id
    await platform.buyer_writes(shop, "Можно забрать завтра?")

    async def conversation() -> dict[str, Any] | None:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return items[0] if items else None
    conv = await eventually(conversation)
    resp = await seller.http.post(f"/v1/conversations/{conv['id']}/messages", json={"text": "Да"})
    assert resp.status_code == 201, resp.text
    recorded = await _recorded(spans, [
        ("consume conversations-delivery", f"sb.channels.{t}.message.delivery")])
    delivered = _find(recorded, "consume conversations-delivery", SpanKind.CONSUMER,
                      f"sb.channels.{t}.message.delivery")
    post, rpc, *_ = _assert_chain(recorded, delivered, [
        ("POST /v1/conversations/{conversation_id}/messages", SpanKind.SERVER),
        ("switchboard.conversations.v1.ConversationsService/SendMessage", SpanKind.SERVER),
        ("publish sb.conversations", SpanKind.PRODUCER),
        ("consume channels-sender", SpanKind.CONSUMER),
        ("publish sb.channels", SpanKind.PRODUCER),
        ("consume conversations-delivery", SpanKind.CONSUMER)])
    assert post.parent is None and rpc.attributes["rpc.method"].endswith("/SendMessage")
