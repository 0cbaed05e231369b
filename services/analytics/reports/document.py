"""The report as JSON: the period, the zone, each section's values (raw: counts, durations in
seconds, money in kopecks, null for what was not fetched), its daily series, the problems."""

from __future__ import annotations

from typing import Any

import orjson

from services.analytics.reports.model import Report
from services.analytics.reports.values import raw


def render(report: Report) -> str:
    p = report.period
    doc: dict[str, Any] = {
        "period": {"from_date": p.first.isoformat(), "to_date": p.last.isoformat(),
                   "from": p.start.isoformat(), "to": p.end.isoformat()},
        "time_zone": report.zone,
        "metrics": [m.key for m in report.metrics],
        "partial": report.partial,
        "problems": report.problems,
        "sections": [{
            "title": s.title,
            "channel_ids": [str(c) for c in s.channel_ids],
            "values": {m.key: raw(s, m) for m in report.metrics},
            "daily": [{"date": d.isoformat(),
                       "conversations_started": f.counts["conversations_started"],
                       "messages_in": f.counts["messages_in"],
                       "messages_out": f.counts["messages_out"]}
                      for d, f in s.daily.items()],
        } for s in report.sections],
    }
    return orjson.dumps(doc).decode()
