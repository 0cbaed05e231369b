"""Prometheus metrics and OpenTelemetry tracing.

Labels are bounded: route templates, gRPC methods, stream and consumer names — never a tenant,
user or id. Traces go to an OTLP collector when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise
spans are still created (so trace ids reach the logs) but not exported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_client import Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

GRPC_SERVER_REQUESTS = Counter(
    "switchboard_grpc_server_requests_total", "gRPC calls handled", ["method", "code"])
GRPC_SERVER_LATENCY = Histogram(
    "switchboard_grpc_server_duration_seconds", "gRPC handling time", ["method"],
    buckets=_LATENCY_BUCKETS)
BUS_MESSAGES = Counter(
    "switchboard_bus_messages_total", "Consumed bus messages by outcome",
    ["consumer", "outcome"])
BUS_HANDLE_LATENCY = Histogram(
    "switchboard_bus_handle_duration_seconds", "Time to handle one bus message", ["consumer"],
    buckets=_LATENCY_BUCKETS)
BUS_PUBLISHED = Counter(
    "switchboard_bus_published_total", "Messages published to JetStream", ["stream", "duplicate"])
DEAD_LETTERS = Counter(
    "switchboard_bus_dead_letters_total", "Poison messages moved to the dead-letter stream",
    ["consumer"])
OUTBOX_RELAYED = Counter(
    "switchboard_outbox_relayed_total", "Outbox events published", ["schema"])
OUTBOX_DEAD_LETTERS = Counter(
    "switchboard_outbox_dead_letters_total",
    "Outbox events no stream takes, moved to the dead-letter stream", ["schema"])
OUTBOX_LAG = Histogram(
    "switchboard_outbox_publish_lag_seconds", "Age of outbox events when published", ["schema"],
    buckets=_LATENCY_BUCKETS)
OUTBOX_BACKLOG = Gauge(
    "switchboard_outbox_backlog", "Outbox events not yet published (sampled by the relay)",
    ["schema"])
OUTBOX_OLDEST_AGE = Gauge(
    "switchboard_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox event (0: none)",
    ["schema"])
# From JetStream's consumer info (one durable is shared by every replica: aggregate with max).
BUS_CONSUMER_PENDING = Gauge(
    "switchboard_bus_consumer_pending", "Messages in the stream not yet delivered to the consumer",
    ["consumer", "stream"])
BUS_CONSUMER_ACK_PENDING = Gauge(
    "switchboard_bus_consumer_ack_pending", "Messages delivered to the consumer and not yet acked",
    ["consumer", "stream"])
BUS_REDELIVERIES = Counter(
    "switchboard_bus_redeliveries_total", "Deliveries of a message after its first", ["consumer"])

_configured = False


def configure_tracing(service_name: str, *, processor: SpanProcessor | None = None) -> None:
    """Install the global tracer provider once per process.

    `processor` lets tests plug an in-memory exporter; otherwise OTLP when configured.
    """
    global _configured
    if _configured:
        if processor is not None:
            provider = trace.get_tracer_provider()
            if isinstance(provider, TracerProvider):
                provider.add_span_processor(processor)
        return
    provider = TracerProvider(resource=Resource.create(
        {"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name)}))
    if processor is not None:
        provider.add_span_processor(processor)
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _configured = True


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def inject_trace_headers(headers: dict[str, str]) -> dict[str, str]:
    """Add the current W3C trace context (traceparent) to outgoing headers or metadata."""
    propagate.inject(headers)
    return headers


def extract_trace_context(carrier: Mapping[str, str]) -> object:
    return propagate.extract(dict(carrier))
