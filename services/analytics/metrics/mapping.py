"""Inbox metrics <-> protobuf."""

from __future__ import annotations

from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from services.analytics.metrics.service import DurationStat, Figures, InboxMetrics

GROUPS = {pb.GROUP_BY_UNSPECIFIED: "", pb.GROUP_BY_CHANNEL: "channel",
          pb.GROUP_BY_LISTING: "listing", pb.GROUP_BY_ASSIGNEE: "assignee",
          pb.GROUP_BY_DAY: "day"}


def duration_pb(stat: DurationStat) -> pb.Duration:
    if stat.median_s is None or stat.p90_s is None:
        return pb.Duration(has_value=False)
    return pb.Duration(has_value=True, median_seconds=stat.median_s, p90_seconds=stat.p90_s,
                       samples=stat.samples)


def figures_pb(f: Figures) -> pb.InboxFigures:
    c = f.counts
    return pb.InboxFigures(
        conversations_started=c["conversations_started"], messages_in=c["messages_in"],
        messages_out=c["messages_out"], resolved=c["resolved"], ai_answered=c["ai_answered"],
        handed_off=c["handed_off"], unanswered=f.unanswered, waiting=f.waiting,
        first_response=duration_pb(f.duration("first_response")),
        first_response_business=duration_pb(f.duration("first_response_business")),
        reply=duration_pb(f.duration("reply")),
        reply_business=duration_pb(f.duration("reply_business")),
        resolution=duration_pb(f.duration("resolution")))


def inbox_pb(metrics: InboxMetrics) -> pb.GetInboxMetricsResponse:
    return pb.GetInboxMetricsResponse(total=figures_pb(metrics.total), groups=[
        pb.InboxGroup(key=key, label=metrics.labels.get(key, ""), figures=figures_pb(f))
        for key, f in metrics.groups.items()])
