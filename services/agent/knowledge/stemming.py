"""Each normalised word's stems under PostgreSQL's `russian` config (the one that builds the
chunks' `tsv`), kept in the process: a word's stems never change, buyers reuse a small
vocabulary, and asking PostgreSQL for them was one of a search's three round trips. Only words
not seen before are sent, in one query.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from services.agent.knowledge.repository import ChunkRepository

WORDS_KEPT = 100_000


class Stems:
    def __init__(self, size: int = WORDS_KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[str, tuple[str, ...]] = OrderedDict()

    async def of(self, repo: ChunkRepository, words: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Each of `words` with its stems (none for a stop word or punctuation)."""
        missing = sorted({w for w in words if w not in self._kept})
        if missing:
            for word, stems in (await repo.stems(missing)).items():
                self._kept[word] = tuple(stems)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return {w: self._kept.get(w, ()) for w in words}
