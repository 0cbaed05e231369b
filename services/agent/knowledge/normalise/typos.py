"""Typo tolerance against the knowledge base's own words, with rapidfuzz (C, no data files).

A buyer's word matches a word of the knowledge base at a typo when the edit distance
(optimal string alignment: a letter wrong, missing, extra, or two neighbours swapped) is within
what the word's length allows: none below 5 letters (скол is not скок), one from 5, two from 9.
Both words are lemmas' stems, so endings are not typos. `lexical.similarity` asks it for
every query stem against the knowledge base's stems (its FAQ questions' and the candidates').
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

ONE_TYPO = 0.7
TWO_TYPOS = 0.6


def allowed_edits(length: int) -> int:
    return 0 if length < 5 else 1 if length < 9 else 2


def typo_similarity(a: str, b: str) -> float:
    """0.7 one typo apart, 0.6 two (long words only), else 0; the same word is not a typo."""
    if a == b:
        return 0.0
    edits = allowed_edits(min(len(a), len(b)))
    if not edits:
        return 0.0
    distance = OSA.distance(a, b, score_cutoff=edits)
    return ONE_TYPO if distance == 1 else TWO_TYPOS if distance == 2 <= edits else 0.0

