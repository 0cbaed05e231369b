"""Each tenant's FAQ question vocabulary (stems and in how many questions each occurs), kept in
the process between questions: building it (`ts_stat` over every FAQ chunk) is the costliest
read of a search, and it changes only when documents do.

A search first reads the tenant's knowledge fingerprint (its documents' count and latest
change: a few rows, not the chunks) and rebuilds the vocabulary when it moved, so every replica
answers from current data.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from services.agent.knowledge.lexical import Vocabulary
from services.agent.knowledge.repository import ChunkRepository

TENANTS_KEPT = 1024


class Vocabularies:
    def __init__(self, size: int = TENANTS_KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[str, tuple[Any, Vocabulary]] = OrderedDict()

    def kept(self, tenant: str) -> tuple[Any, Vocabulary] | None:
        """The tenant's kept (fingerprint, vocabulary), unchecked: a caller that reads the
        fingerprint with its own query compares it (retrieval.py's candidates)."""
        return self._kept.get(tenant)

    async def current(self, repo: ChunkRepository) -> Vocabulary:
        tenant, *rest = await repo.faq_fingerprint()
        fingerprint = tuple(rest)
        kept = self._kept.get(tenant)
        if kept is not None and kept[0] == fingerprint:
            self._kept.move_to_end(tenant)
            return kept[1]
        questions, df = await repo.question_vocabulary()
        vocabulary = Vocabulary(questions, df, await repo.entry_frequencies())
        self._kept[tenant] = (fingerprint, vocabulary)
        self._kept.move_to_end(tenant)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return vocabulary
