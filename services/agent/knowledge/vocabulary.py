"""Each tenant's FAQ question vocabulary (stems and in how many questions each occurs) and its
FAQ entries' index (faq_index.py), kept in the process between questions: building them
(`ts_stat` over every FAQ chunk, every FAQ chunk's stems) is the costliest read of a search,
and they change only when documents do.

The seller's synonym groups (synonyms.py) are kept with them, as a thesaurus of their own
(thesaurus.py; retrieval stems it on first use). A search first reads the tenant's knowledge
fingerprint (its documents' and synonym groups' count and latest change: a few rows, not the
chunks) and rebuilds all three when it moved, so every replica answers from current data.
Bounded by tenants and by the entries kept (an index holds its entries' text), least
recently used first out.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from services.agent.knowledge.faq_index import FaqIndex
from services.agent.knowledge.lexical import Vocabulary
from services.agent.knowledge.repository import ChunkRepository
from services.agent.knowledge.thesaurus import Thesaurus

TENANTS_KEPT = 1024
# An index keeps ~2.5 kB an entry (its text and stems: measured on the bench's 1,000 entries),
# so at most ~125 MB a process; a tenant past it is read again after a search of others.
ENTRIES_KEPT = 50_000
# The stems whose synonyms a tenant's thesaurus keeps (the built-in one keeps 100,000).
OWN_SYNONYMS_KEPT = 5_000
Kept = tuple[Any, Vocabulary, FaqIndex, Thesaurus]  # (fingerprint, vocabulary, index, own)
Knowledge = tuple[Vocabulary, FaqIndex, Thesaurus]


class Vocabularies:
    def __init__(self, size: int = TENANTS_KEPT, entries: int = ENTRIES_KEPT) -> None:
        self.size, self.entries = size, entries
        self._kept: OrderedDict[str, Kept] = OrderedDict()

    def kept(self, tenant: str) -> Kept | None:
        """The tenant's kept (fingerprint, vocabulary, index, own thesaurus), unchecked: a caller that reads
        the fingerprint with its own query compares it (retrieval.py's candidates)."""
        return self._kept.get(tenant)

    async def current(self, repo: ChunkRepository) -> Vocabulary:
        return (await self.knowledge(repo))[0]

    async def knowledge(self, repo: ChunkRepository) -> Knowledge:
        """The tenant's vocabulary, FAQ index and synonym groups (a thesaurus not yet loaded),
        checked against its fingerprint (one query), rebuilt when it moved."""
        tenant, *rest = await repo.faq_fingerprint()
        fingerprint = tuple(rest)
        kept = self._kept.get(tenant)
        if kept is not None and kept[0] == fingerprint:
            self._kept.move_to_end(tenant)
            return kept[1], kept[2], kept[3]
        questions, df = await repo.question_vocabulary()
        vocabulary = Vocabulary(questions, df, await repo.entry_frequencies())
        index = FaqIndex.build(await repo.faq_entries())
        own = Thesaurus(tuple(tuple(g) for g in await repo.synonym_groups()), OWN_SYNONYMS_KEPT)
        self._kept[tenant] = (fingerprint, vocabulary, index, own)
        self._kept.move_to_end(tenant)
        while len(self._kept) > self.size or (
                len(self._kept) > 1 and sum(len(k[2]) for k in self._kept.values()) > self.entries):
            self._kept.popitem(last=False)
        return vocabulary, index, own
