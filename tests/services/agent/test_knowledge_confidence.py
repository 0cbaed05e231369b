"""The confidence that the best FAQ entry answers a question (knowledge/confidence.py): one
number the threshold is compared with, lowered by a narrow margin over the runner-up and by the
buyer's words the entry does not mention, and the reason a seller reads."""

from __future__ import annotations

import math
import uuid

import pytest

from services.agent.knowledge.confidence import assess, confidence
from services.agent.knowledge.lexical import (
    MENTIONED,
    Term,
    Vocabulary,
    evidence,
    similarity,
    unmatched,
)
from services.agent.knowledge.retrieval import Hit


def entry(question: str, score: float, missing: tuple[str, ...] = (),
          missing_share: float = 0.0, evidence: float = 1.0) -> Hit:
    return Hit(uuid.uuid4(), uuid.uuid4(), "faq", question, question, "ответ", score,
               missing=missing, missing_share=missing_share, evidence=evidence)


def test_confidence_is_a_probability_that_grows_with_the_score() -> None:
    values = [confidence([entry("Есть ли доставка?", s), entry("Сколько ждать?", 0.2)])
              for s in (0.3, 0.5, 0.7, 0.9)]
    assert all(0 < v < 1 for v in values)
    assert values == sorted(values) and values[0] < values[-1]
    assert confidence([]) == 0.0


def test_a_clear_winner_answers() -> None:
    verdict = assess([entry("Есть ли доставка?", 0.9), entry("Какая гарантия?", 0.3)], 0.8)
    assert verdict.answer and verdict.reason_code == "answered"
    assert "Есть ли доставка?" in verdict.reason


def test_two_entries_that_fit_alike_hand_off_for_want_of_a_margin() -> None:
    alone = assess([entry("Есть ли доставка?", 0.6)], 0.8)
    tied = assess([entry("Есть ли доставка?", 0.6), entry("Сколько стоит доставка?", 0.58)],
                  0.8)
    assert tied.confidence < alone.confidence
    assert not tied.answer and tied.reason_code == "no_margin"
    assert "Сколько стоит доставка?" in tied.reason


def test_a_word_the_entry_does_not_mention_is_evidence_against_it() -> None:
    runner_up = entry("Сколько ждать доставку?", 0.6)
    mentioned = assess([entry("Есть ли доставка?", 0.74), runner_up], 0.7)
    kazakhstan = assess([entry("Есть ли доставка?", 0.74, ("казахстан",), 0.42), runner_up], 0.7)
    assert mentioned.answer and not kazakhstan.answer
    assert kazakhstan.reason_code == "contradiction:казахстан"
    assert "«казахстан»" in kazakhstan.reason


def test_a_rare_word_found_is_more_evidence_than_a_common_one() -> None:
    # «сдэк есть?» found by the one answer naming СДЭК, «где мой заказ?» by «заказ», which many
    # answers say: the same share of the question found, not the same evidence.
    cdek = assess([entry("Есть ли доставка?", 0.34, evidence=0.9)], 0.7)
    order = assess([entry("Есть ли доставка?", 0.34, evidence=0.3)], 0.7)
    assert cdek.confidence > order.confidence
    assert not order.answer


def test_no_entry_and_a_weak_one_say_so() -> None:
    assert assess([], 0.5).reason_code == "no_match"
    weak = assess([entry("Есть ли доставка?", 0.2, ("доставка",), 0.1),
                   entry("Какая гарантия?", 0.05)], 0.8)
    assert not weak.answer and weak.reason_code == "below_threshold"
    assert "0.80" in weak.reason


def test_one_threshold_is_compared_with_the_confidence_not_the_score() -> None:
    hits = [entry("Есть ли доставка?", 0.6), entry("Какая гарантия?", 0.1)]
    value = confidence(hits)
    assert assess(hits, value).answer
    assert not assess(hits, min(1.0, value + 0.01)).answer


def test_evidence_weighs_each_word_found_by_how_few_entries_say_it() -> None:
    vocabulary = Vocabulary(questions=20, df={"доставк": 3}, entries_df={"сдэк": 1, "заказ": 10})
    cdek = Term("сдэк", {"сдэк": 1.0}, 1.0)
    order = Term("заказ", {"заказ": 1.0}, 1.0)
    assert evidence([cdek], {"сдэк", "доставк"}, vocabulary) == pytest.approx(1.0)
    assert evidence([order], {"заказ"}, vocabulary) == pytest.approx(math.log(3) / math.log(21))
    assert evidence([cdek, order], {"доставк"}, vocabulary) == 0.0  # neither found


def test_a_place_the_entry_does_not_mention_hands_off_however_sure_the_rest_is() -> None:
    kazan = entry("Есть ли доставка в Казань?", 0.95, missing=("казахстан",), missing_share=0.3)
    verdict = assess([kazan], 0.7)
    assert not verdict.answer and verdict.reason_code == "contradiction:казахстан"
    assert "казахстан" in verdict.reason and verdict.confidence > 0.7  # sure, but of the wrong
    other = assess([entry("Есть ли доставка?", 0.95, missing=("диван",), missing_share=0.3)],
                   0.7)
    assert other.answer  # a thing not mentioned only lowers confidence; a place decides


def test_a_loose_prefix_match_is_not_a_mention() -> None:
    assert similarity("казахста", "казан") < MENTIONED <= similarity("доставк", "доставля")
    term = Term("казахста", {"казан": similarity("казахста", "казан")}, 1.0)
    assert unmatched([term], {"казан"}) == [term]  # «Казахстан» is not said by «Казань»
