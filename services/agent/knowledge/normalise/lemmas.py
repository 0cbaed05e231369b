"""Words to their dictionary form with pymorphy3 and the OpenCorpora dictionaries of the
`pymorphy3-dicts-ru` wheel (nothing is downloaded): доставите, доставляете -> доставить,
доставлять; краденые -> краденый; открыты -> открыть. Unknown words (slang, brands, typos)
get pymorphy's guess from their ending, which is the same for both sides of a match.

The analyser loads once per process (about a second, ~15 MB), on first use; parsing a word
costs ~0.2 ms, so lemmas are cached (buyers and FAQs reuse a small vocabulary).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

import pymorphy3

_lock = threading.Lock()
_analyzer: pymorphy3.MorphAnalyzer | None = None


def analyzer() -> pymorphy3.MorphAnalyzer:
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                _analyzer = pymorphy3.MorphAnalyzer(lang="ru")
    return _analyzer


def loaded() -> bool:
    return _analyzer is not None


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The most likely dictionary form of a lowercase word; non-Cyrillic words as they are."""
    if not any("а" <= ch <= "я" or ch == "ё" for ch in word):
        return word
    return str(analyzer().parse(word)[0].normal_form)


def is_known(word: str) -> bool:
    """Whether the dictionary has `word` (typos and slang are not)."""
    return bool(analyzer().word_is_known(word))


# What a question is about: a place, a product, a thing, a number, a quality («бесплатная»);
# not how it is asked (verbs, adverbs, pronouns: «подойдёт», «можно», «любой»).
_THING = frozenset({"NOUN", "NUMR", "ADJF"})


@lru_cache(maxsize=200_000)
def names_a_thing(word: str) -> bool:
    """Whether a lowercase word (a lemma) names a thing, a number or a quality; words in Latin
    or digits do too (brands, sizes)."""
    if not any("а" <= ch <= "я" or ch == "ё" for ch in word):
        return any(ch.isalnum() for ch in word)
    tag = analyzer().parse(word)[0].tag
    return (tag.POS in _THING or "NUMB" in tag) and "Apro" not in tag


@lru_cache(maxsize=50_000)
def names_a_place(word: str) -> bool:
    """Whether a lowercase word is a place name (a country, a city: «казахстан», «тверь»)."""
    return any(ch.isalpha() for ch in word) and "Geox" in analyzer().parse(word)[0].tag


@lru_cache(maxsize=10_000)
def is_preposition(word: str) -> bool:
    return "PREP" in analyzer().parse(word)[0].tag


def qualifiers(words: Sequence[str]) -> set[str]:
    """The words (lemmas, in the question's order) right after a preposition: «гарантия на
    стартер», «скидка для сервиса», «размер на 104 рост», «состав у крема». They qualify what
    the question is about rather than being it."""
    return {word for before, word in pairwise(words)
            if is_preposition(before)}
