"""How sure the agent may be that the best FAQ entry answers a buyer's question: one
probability-like number, the same across shops, and the reason a seller reads when it is low.

The lexical score (lexical.py) says how much the question and the entry share; it does not say
whether the entry stands out or whether the question asks about something the entry never
mentions. Four signals, put together by a logistic model:

- `score`: the best entry's score;
- `margin`: its lead over the runner-up (two entries that fit alike are a guess);
- `missing_share`: the IDF-weighted share of the buyer's words that name a thing, a place, a
  number or a quality (nouns, numerals, adjectives: normalise/lemmas.names_a_thing) and that
  the entry does not say at all, in its question or its answer (retrieval.Hit.missing):
  «доставка в Казахстан» on an entry about delivery in Russia, «порвали обивку при доставке»
  on the delivery-cost entry. How a question is asked («подойдёт», «дадите») is not evidence,
  nor a thing right after a preposition, which qualifies the topic («гарантия на стартер»);
- `evidence`: how much specific wording the entry shares with the question in absolute terms
  (lexical.evidence: each word found, weighted by how few entries say it): «сдэк есть?» found
  in one answer is evidence, «где мой заказ?» found by «заказ», which many answers say, is
  little, though both are one word found whole and score alike.

`confidence` is the model's probability that the entry is the right answer; the tenant's
`faq_match_threshold` (settings) is compared with it. One rule overrides it: a place the
question names (pymorphy's Geox: «Казахстан», «Минск») that the entry never mentions hands off
whatever the confidence — answering a delivery question about the wrong country is the wrong
answer sellers cannot forgive. A town of Russia is said by an entry that speaks of all Russia
(places.py): «в Пермь отправите?» on «Доставляем по России» is answered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from services.agent.knowledge.normalise.lemmas import names_a_place
from services.agent.knowledge.retrieval import Hit

FEATURES = ("score", "margin", "missing_share", "evidence")
# Fitted by switchboard/bench/retrieval/calibration.py (tests/bench/test_retrieval_eval.py
# prints the fit): logistic regression, L2 0.1, of "the best entry is the labelled one" (0 for a
# question to hand off) on FEATURES over the tuning part of the six shops' set only (315
# questions; the held-out part never seen), FAQ mode without embeddings. Refit after changing
# the lexical score or the thesaurus (last: the sixth shop's questions added).
INTERCEPT = -2.632
WEIGHTS = (2.101, 3.720, -3.111, 1.597)
# Below the threshold, which signal the reason names.
NOTABLE_MISSING = 0.2
NARROW_MARGIN = 0.1


@dataclass(frozen=True)
class Assessment:
    confidence: float  # 0..1; 0 without an entry
    answer: bool
    reason_code: str  # answered | no_match | below_threshold | no_margin | contradiction:<word>
    reason: str  # for the seller, in Russian


def features(hits: Sequence[Hit]) -> tuple[float, ...]:
    best = hits[0]
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    return best.score, best.score - runner_up, best.missing_share, best.evidence


def confidence(hits: Sequence[Hit]) -> float:
    if not hits:
        return 0.0
    z = INTERCEPT + sum(w * x for w, x in zip(WEIGHTS, features(hits), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def assess(hits: Sequence[Hit], threshold: float) -> Assessment:
    """Answer with the best entry or not, and why (`hits`: FAQ entries, best first)."""
    if not hits:
        return Assessment(0.0, False, "no_match", "в базе знаний нет ничего похожего на вопрос")
    exact = confidence(hits)
    value, best = round(exact, 4), hits[0]
    place = next((w for w in best.missing if names_a_place(w)), None)
    if place is not None:  # «доставка в Казахстан» on the Kazan entry: a wrong answer, surely
        return Assessment(value, False, f"contradiction:{place}",
                          f"в вопросе место «{place}», а запись «{best.question}» о нём не "
                          f"говорит (уверенность {value:.2f})")
    if exact >= threshold:
        return Assessment(value, True, "answered",
                          f"ответ из записи «{best.question}», уверенность {value:.2f}")
    if best.missing and best.missing_share >= NOTABLE_MISSING:
        word = best.missing[0]
        return Assessment(value, False, f"contradiction:{word}",
                          f"в вопросе есть «{word}», а запись «{best.question}» об этом не "
                          f"говорит (уверенность {value:.2f})")
    if len(hits) > 1 and best.score - hits[1].score < NARROW_MARGIN:
        return Assessment(value, False, "no_margin",
                          f"записи «{best.question}» и «{hits[1].question}» подходят почти "
                          f"одинаково (уверенность {value:.2f})")
    return Assessment(value, False, "below_threshold",
                      f"лучшая запись «{best.question}» подходит с уверенностью {value:.2f}, "
                      f"порог {threshold:.2f}")
