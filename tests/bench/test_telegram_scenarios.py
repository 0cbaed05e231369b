"""`switchboard bench --quick telegram_fanout telegram_latency` end to end, smoke-sized: the
bench's stack with the telegram-bot component and the Telegram emulator, a tenant's bot and
group plugged in through the API, a burst of 200 buyer messages across 40 chats posted into
topics at the flood limits, then a few at a steady rate. Correctness only (every message in its
topic once, a topic and a card per chat, every latency sample taken); the targets are the
bench's to report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.bench.scenarios.telegram_fanout import least_drain_s, tally
from tests.bench.quick import run_quick_bench


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_quick_telegram_scenarios_post_every_message_once(tmp_path: Path) -> None:
    done = run_quick_bench(tmp_path, "telegram_fanout", "telegram_latency", timeout_s=400)
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads((tmp_path / "out" / "latest.json").read_text())
    assert doc["meta"]["scenarios"] == ["telegram_fanout", "telegram_latency"]
    fanout = doc["details"]["telegram_fanout"]
    (run,) = fanout["runs"]
    assert run["accepted"] == fanout["messages"] == 200
    assert run["messages"] == 200 and run["duplicates"] == 0 and run["lost"] == 0
    assert run["topics"] == run["cards"] == fanout["chats"] == 40
    assert run["sends"] == 240 and run["outside_topics"] == 0 and run["complete"]
    assert run["least_drain_s"] == 11.0 and run["drain_s"] > 0
    latency = doc["details"]["telegram_latency"]
    (sample,) = latency["runs"]
    assert sample["expected"] == sample["at_subscriber"] == sample["posted"] == 15
    assert sample["added"]["count"] == sample["send_to_topic"]["count"] == 15
    names = {(f["scenario"], f["name"]) for f in doc["figures"]}
    assert ("9 telegram latency", "added p99 (live event -> post in topic)") in names
    assert sum(1 for scenario, _ in names if scenario == "8 telegram fan-out") == 6


def _send(seq: int, at: float, text: str | None, thread: int | None = 7) -> dict[str, object]:
    return {"seq": seq, "method": "sendMessage", "recorded_at": at, "message_thread_id": thread,
            "edits": [], "message": {"text": text or "🗂 Карточка"}}


def test_the_tally_counts_cards_messages_duplicates_and_the_least_drain() -> None:
    records = [{"seq": 1, "method": "createForumTopic", "recorded_at": 1.0,
                "message_thread_id": 7, "edits": [], "message": {}},
               _send(2, 1.0, None), _send(3, 1.05, "📩 hi t=500"), _send(4, 1.1, "📩 t=600"),
               _send(5, 1.2, "📩 again t=500"), _send(6, 1.3, "📩 old t=100", thread=None)]
    got = tally(records, since_ns=200)
    assert got["sends"] == 5 and got["cards"] == 1 and got["topics"] == 1
    assert got["messages"] == 2 and got["duplicates"] == 1 and got["outside_topics"] == 1
    assert got["first_send"] == 1.0 and got["last_send"] == 1.3
    # 20 a second in the group: sends 1..20 may go at once, 21..40 a second later, ...
    assert [least_drain_s(n) for n in (0, 1, 20, 21, 1200)] == [0.0, 0.0, 0.0, 1.0, 59.0]
