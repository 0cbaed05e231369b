"""Pure pieces: splitting long texts for Avito, and the per-account token bucket."""

from __future__ import annotations

import pytest

from services.channels.avito.ratelimit import TokenBucket
from services.channels.avito.text import MAX_TEXT_LEN, split_text


def test_short_text_is_one_part() -> None:
    assert split_text("  Здравствуйте!  ") == ["Здравствуйте!"]
    assert split_text("x" * MAX_TEXT_LEN) == ["x" * MAX_TEXT_LEN]


def test_blank_text_has_no_parts() -> None:
    assert split_text("") == []
    assert split_text(" \n\t ") == []


def test_long_text_is_cut_at_sentence_ends() -> None:
    sentence = "Товар в наличии, доставка завтра. "  # 34 chars
    text = sentence * 60  # 2040 chars
    parts = split_text(text)
    assert len(parts) == 3
    assert all(len(p) <= MAX_TEXT_LEN for p in parts)
    assert all(p.endswith("завтра.") for p in parts)
    assert " ".join(parts) == text.strip()


def test_paragraph_breaks_win_over_sentences() -> None:
    first = ("Первый абзац. " * 40).strip()  # ~559 chars
    second = ("Второй абзац. " * 40).strip()
    parts = split_text(first + "\n\n" + second)
    assert parts == [first, second]


def test_without_sentences_it_cuts_at_words() -> None:
    words = " ".join(f"слово{i}" for i in range(400))
    parts = split_text(words)
    assert all(len(p) <= MAX_TEXT_LEN for p in parts)
    assert " ".join(parts) == words
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in parts)


def test_an_early_sentence_end_does_not_make_a_tiny_part() -> None:
    text = "Да. " + " ".join(["длинноеслово"] * 120)
    parts = split_text(text)
    assert len(parts[0]) > MAX_TEXT_LEN // 2
    assert " ".join(parts) == text


def test_text_without_spaces_is_cut_hard() -> None:
    parts = split_text("a" * 2500)
    assert [len(p) for p in parts] == [1000, 1000, 500]


def test_boundary_right_after_the_limit_is_used() -> None:
    text = "a" * 999 + ". " + "b" * 10
    assert split_text(text) == ["a" * 999 + ".", "b" * 10]


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_bucket_allows_a_burst_then_paces() -> None:
    t = FakeTime()
    bucket = TokenBucket(rate=5, burst=10, clock=t.clock, sleep=t.sleep)
    for _ in range(10):
        assert await bucket.acquire() == 0
    assert t.slept == []
    waited = [await bucket.acquire() for _ in range(5)]
    assert waited == pytest.approx([0.2] * 5)
    assert t.now == pytest.approx(101.0)


async def test_bucket_refills_while_idle_but_not_beyond_burst() -> None:
    t = FakeTime()
    bucket = TokenBucket(rate=2, burst=3, clock=t.clock, sleep=t.sleep)
    for _ in range(3):
        await bucket.acquire()
    t.now += 60  # a long pause refills to the burst, no more
    for _ in range(3):
        assert await bucket.acquire() == 0
    assert await bucket.acquire() == pytest.approx(0.5)


async def test_bucket_with_real_time_paces_concurrent_callers() -> None:
    import asyncio
    import time

    bucket = TokenBucket(rate=50, burst=2)
    started = time.monotonic()
    await asyncio.gather(*(bucket.acquire() for _ in range(7)))
    # 2 immediately, 5 more at 50/s: at least ~0.1 s.
    assert time.monotonic() - started >= 0.09


def test_bucket_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate=0, burst=1)
    with pytest.raises(ValueError):
        TokenBucket(rate=1, burst=0)
