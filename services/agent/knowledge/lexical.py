"""Lexical matching of a buyer's question against chunks, with a calibrated 0..1 score.

PostgreSQL's `russian` snowball config turns words into stems; that alone misses how buyers
write: other forms of a word (доставка / доставите / доставляете), typos (доствка), and
colloquial words (мск, налом, созвониться). So a query stem matches a chunk's stem by degree:

    1.0 the same stem · 0.9 one is a prefix of the other · 0.8 a thesaurus synonym, or all but
    the last letter of a 5+ letter prefix shared · 0.7 one typo (words of 5+ letters), 0.6 two
    (9+ letters: normalise/typos.py) · 0.6 a shared 4+ letter root · else 0

The score of an FAQ chunk is an F-measure of two IDF-weighted coverages: how much of the query
the question covers (R; a word found only in the answer counts half) and how much of the question
the query covers (P), with R weighted more (β = 1.5: buyers leave words out more often than they
add them). 1.0 means the same content words; ~0.5 means about half the important ones. A text or
listing chunk has no question: its score is R over all its words, times 0.85 (a long passage
containing the words is weaker evidence than a question saying them).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from services.agent.knowledge.normalise.typos import typo_similarity

ANSWER_WEIGHT = 0.5
TEXT_FACTOR = 0.85
BETA = 1.5
MIN_SIMILARITY = 0.6
# A chunk mentions a query word when it says it, a form of it or a typo of it (0.7 and up); a
# loose prefix match (0.6: «казахстан» ~ «казань») helps rank but is not a mention.
MENTIONED = 0.7
# An entry whose question shares no word with the query may still answer it from its answer.
PRECISION_FLOOR = 0.2
# Words not in any FAQ question still count, as if rare-ish, so a query full of unknown words
# scores low rather than high.
UNKNOWN_WORD_IDF_SHARE = 0.5

# Stems the `russian` config keeps but which say nothing about the topic in a buyer's message.
STOP_STEMS = frozenset({
    "эт", "как", "может", "здравств", "добр", "привет", "спасиб", "подскаж", "скаж", "пожалуйст",
    "ещ", "такж", "котор", "хоч", "вообщ", "подскажет", "интересует", "интерес", "ок",
    # Question frames: "сколько стоит X", "нужна ли X" are about X.
    "скольк", "сто", "нужн",
    # The same words after normalisation (normalise/: lemmas, э -> е): может -> мочь,
    # подскажите -> подсказать, хочу -> хотеть, это -> ето, ок -> около.
    "моч", "подсказа", "сказа", "хотет", "интересова", "ет", "окол",
    # «Возможен ли», «имеется», «реально ли» ask like «можно» and «есть», which the config drops.
    "возможн", "имет", "реальн",
    # How a buyer opens a question: «хотел узнать», «уточните», «вопрос», «у вас случайно нет»,
    # «сможете», «плиз», «пж».
    "узна", "уточн", "вопрос", "случайн", "смоч", "плиз", "пж",
})
_GREETING = re.compile(
    r"\b(добр(ый|ое|ого)\s+(день|вечер|утро|дня|вечера|утра)|здравствуй(те)?|привет(ствую)?"
    r"|как\s+(ваши\s+|у\s+вас\s+)?дела)\b")
_NOT_WORD = re.compile(r"[^\w\s/+-]+")
_BU = re.compile(r"\bб\s*/\s*у\b")


def normalize(query: str) -> str:
    """Lowercase, ё -> е, greetings and punctuation dropped ("б/у" kept as the FAQ writes it)."""
    text = query.lower().replace("ё", "е")
    text = _GREETING.sub(" ", text)
    text = _BU.sub("б/у", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


@lru_cache(maxsize=1 << 20)
def similarity(a: str, b: str) -> float:
    """How well stem `a` matches stem `b` (see the module docstring). Kept: a search compares
    each of its stems with the tenant's, and buyers and FAQs reuse a small vocabulary."""
    if a == b:
        return 1.0
    if not a or not b or a[0] != b[0]:
        return 0.0
    short = min(len(a), len(b))
    common = _common_prefix(a, b)
    if common == short and short >= 3:
        return 0.9
    if common >= 5 and common >= short - 1:
        return 0.8
    if typo := typo_similarity(a, b):
        return typo
    if common >= 4 and common >= short - 3:
        return 0.6
    return 0.0


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def prefix_of(stem: str) -> str:
    """The prefix a full-text query searches with (`prefix:*`) so other forms are found too."""
    return stem if len(stem) <= 4 else stem[:max(4, len(stem) - 2)]


def by_first_letter(stems: Iterable[str]) -> dict[str, list[str]]:
    """Stems grouped by their first letter: `similarity` is 0 across groups, so a query stem
    is compared with its own group only."""
    groups: dict[str, list[str]] = defaultdict(list)
    for stem in stems:
        groups[stem[:1]].append(stem)
    return groups


@dataclass(frozen=True)
class Vocabulary:
    """FAQ question stems of a tenant with the number of questions holding each."""

    questions: int
    df: Mapping[str, int]
    # Stems of whole entries (questions and answers) with the number of entries holding each.
    entries_df: Mapping[str, int] = field(default_factory=dict)

    @cached_property
    def by_letter(self) -> dict[str, list[str]]:
        """The question stems by first letter (`by_first_letter`), once per vocabulary."""
        return by_first_letter(self.df)

    @cached_property
    def _idf(self) -> dict[str, float]:
        # Computed once per vocabulary: a search weighs every question stem of ~100 candidates.
        n = max(self.questions, 1)
        return {stem: math.log(1 + n / df) for stem, df in self.df.items()}

    def idf(self, stem: str) -> float:
        return self._idf[stem]

    def weight(self, stem: str) -> float:
        """The stem's IDF, or the unknown word's for a stem no question has."""
        return self._idf.get(stem) or self.unknown_idf()

    def specificity(self, stem: str) -> float:
        """1 for a stem one entry says, towards 0 for one every entry says."""
        n = max(self.questions, 1)
        return math.log(1 + n / self.entries_df.get(stem, 1)) / math.log(1 + n)

    def unknown_idf(self) -> float:
        return UNKNOWN_WORD_IDF_SHARE * math.log(1 + max(self.questions, 1))


@dataclass(frozen=True)
class Term:
    """A query stem with the stems it matches (and how well) and its weight."""

    stem: str
    matches: Mapping[str, float]
    weight: float

    def strength(self, stems: set[str]) -> float:
        # A term matches a handful of stems; a chunk has dozens: look the few up.
        return max((sim for u, sim in self.matches.items() if u in stems), default=0.0)


def build_terms(stems: list[str], synonyms: Mapping[str, Mapping[str, float]],
                vocabulary: Vocabulary, seen: Iterable[str]) -> list[Term]:
    """Each query stem, matched against every stem we know (questions and candidates)."""
    others = by_first_letter(set(seen).difference(vocabulary.df))

    def known(stem: str) -> list[str]:
        return vocabulary.by_letter.get(stem[:1], []) + others.get(stem[:1], [])

    terms = []
    for stem in dict.fromkeys(s for s in stems if s not in STOP_STEMS):
        matches = {u: sim for u in known(stem) if (sim := similarity(stem, u)) >= MIN_SIMILARITY}
        for synonym, sim in synonyms.get(stem, {}).items():
            for u in known(synonym):
                if (s := similarity(synonym, u)) >= 0.9:
                    matches[u] = max(matches.get(u, 0.0), sim * s)
        in_questions = [(sim, u) for u, sim in matches.items() if u in vocabulary.df]
        weight = vocabulary.idf(max(in_questions)[1]) if in_questions else vocabulary.unknown_idf()
        terms.append(Term(stem, matches, weight))
    return terms


def faq_score(terms: list[Term], question: set[str], rest: set[str],
              vocabulary: Vocabulary) -> float:
    """The calibrated score of an FAQ chunk (question stems, other stems)."""
    total = sum(t.weight for t in terms)
    question = question - STOP_STEMS
    if not total or not question:
        return 0.0
    recall = sum(t.weight * max(t.strength(question), ANSWER_WEIGHT * t.strength(rest))
                 for t in terms) / total
    q_weights = {u: vocabulary.weight(u) for u in question}
    precision = sum(w * max((t.matches.get(u, 0.0) for t in terms), default=0.0)
                    for u, w in q_weights.items()) / sum(q_weights.values())
    if not recall:
        return 0.0
    precision = max(precision, PRECISION_FLOOR)
    b2 = BETA * BETA
    return (1 + b2) * precision * recall / (b2 * precision + recall)


def unmatched(terms: list[Term], stems: set[str]) -> list[Term]:
    """The query's terms a chunk does not say at all, in its question or its text, heaviest
    first: a place, product or condition the entry does not mention is evidence against it
    («доставка в Казахстан» on an entry about delivery in Russia)."""
    return sorted((t for t in terms if t.strength(stems) < MENTIONED), key=lambda t: -t.weight)


def evidence(terms: list[Term], stems: set[str], vocabulary: Vocabulary) -> float:
    """How much specific wording a chunk shares with the query, in absolute terms: each found
    term counts its match times how few entries say the stem it matched."""
    total = 0.0
    for t in terms:
        found = [(sim, u) for u, sim in t.matches.items() if u in stems]
        if found:
            sim, u = max(found)
            total += sim * vocabulary.specificity(u)
    return total


def text_score(terms: list[Term], stems: set[str]) -> float:
    """The calibrated score of a text or listing chunk (all its stems)."""
    total = sum(t.weight for t in terms)
    if not total:
        return 0.0
    return TEXT_FACTOR * sum(t.weight * t.strength(stems) for t in terms) / total
