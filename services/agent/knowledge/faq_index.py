"""A tenant's FAQ entries with their stems, kept in the process beside its vocabulary
(vocabulary.py), so FAQ mode finds its candidates without asking PostgreSQL for them.

FAQ mode asks on every buyer message; its candidates query tested the `tsquery` against every
FAQ chunk of the tenant and sent back up to 100 rows with their stems (1–5 ms of the database's
time on 1,000 entries, and the rows' decoding in Python). The entries change only with their
documents, which the knowledge fingerprint follows: kept, a search costs one small query (the
fingerprint) and a lookup here.

The candidates are what the `tsquery` of retrieval.py would find — a chunk holding a stem that
starts with one of the prefixes or equals one of the exact stems — and, past `limit`, the best
by the same weighting PostgreSQL's `ts_rank_cd` gives them by default: a question word (weight
A) counts 1, an answer word (D) 0.1.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

QUESTION_RANK, ANSWER_RANK = 1.0, 0.1


@dataclass(frozen=True)
class FaqIndex:
    rows: tuple[Mapping[str, Any], ...]  # as the candidates query returns them, in entry order
    by_stem: Mapping[str, tuple[int, ...]]  # stem -> rows holding it
    stems: tuple[str, ...]  # every stem, sorted, for prefix lookups

    @classmethod
    def build(cls, rows: Sequence[Mapping[str, Any]]) -> FaqIndex:
        by_stem: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            for stem in {*row["qstems"], *row["stems"]}:
                by_stem[stem].append(i)
        return cls(tuple(rows), {s: tuple(ids) for s, ids in by_stem.items()},
                   tuple(sorted(by_stem)))

    def __len__(self) -> int:
        return len(self.rows)

    def candidates(self, prefixes: Iterable[str], exact: Iterable[str],
                   limit: int) -> list[dict[str, Any]]:
        """Copies of the rows holding any of the lexemes (callers annotate them), best
        `ts_rank_cd`-like rank first, then entry order; at most `limit`."""
        rank: dict[int, float] = defaultdict(float)
        for lexeme in self._matching(prefixes, exact):
            for i in self.by_stem[lexeme]:
                row = self.rows[i]
                rank[i] += QUESTION_RANK if lexeme in row["qstems"] else ANSWER_RANK
        best = sorted(rank, key=lambda i: (-rank[i], i))[:limit]
        return [{**self.rows[i], "rank": rank[i]} for i in best]

    def _matching(self, prefixes: Iterable[str], exact: Iterable[str]) -> set[str]:
        found = {e for e in exact if e in self.by_stem}
        for prefix in prefixes:
            i = bisect_left(self.stems, prefix)
            while i < len(self.stems) and self.stems[i].startswith(prefix):
                found.add(self.stems[i])
                i += 1
        return found
