"""The seller's own synonym groups: what a group may hold, and listing, putting, deleting them.

A group is 2 to 20 words or short phrases («симка», «сим-карта», «sim») that mean the same in
this shop. Retrieval uses them like the built-in thesaurus (thesaurus.py: 0.8, the same
lemmas and transliteration), loaded with the tenant's kept vocabulary (vocabulary.py): an edit
moves the tenant's knowledge fingerprint, so every process sees it on its next search.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from services.agent.knowledge.models import SynonymGroup
from services.agent.repository import AgentUnit
from services.kernel.errors import InvalidArgument, NotFound

MIN_WORDS, MAX_WORDS = 2, 20
MAX_WORD_LENGTH = 60
MAX_GROUPS = 500
PROBLEM = "synonym-group-invalid"


def normalised_group(words: Sequence[str]) -> list[str]:
    """The group as stored: each word lower-cased, ё -> е, spaces collapsed, repeats dropped
    (first kept). InvalidArgument names what is wrong: an empty or too long word, too few or
    too many words."""
    group: list[str] = []
    for raw in words:
        word = " ".join(raw.lower().replace("ё", "е").split())
        if not word:
            raise InvalidArgument("a synonym must not be empty", problem=PROBLEM)
        if len(word) > MAX_WORD_LENGTH:
            raise InvalidArgument(f"«{word[:20]}…» is longer than {MAX_WORD_LENGTH} characters",
                                  problem=PROBLEM)
        if word not in group:
            group.append(word)
    if len(group) < MIN_WORDS:
        raise InvalidArgument(f"a synonym group needs at least {MIN_WORDS} different words",
                              problem=PROBLEM)
    if len(group) > MAX_WORDS:
        raise InvalidArgument(f"a synonym group holds at most {MAX_WORDS} words",
                              problem=PROBLEM)
    return group


async def list_groups(unit: AgentUnit) -> list[SynonymGroup]:
    return await unit.synonyms.all()


async def put_group(unit: AgentUnit, id_: uuid.UUID | None,
                    words: Sequence[str]) -> SynonymGroup:
    """Replace group `id_` (NotFound when the tenant has none), or create one when no id is
    given — at most MAX_GROUPS a tenant."""
    group = normalised_group(words)
    if id_ is not None:
        found = await unit.synonyms.replace(id_, group)
        if found is None:
            raise NotFound(f"synonym group {id_} not found")
        return found
    if await unit.synonyms.count_locked() >= MAX_GROUPS:
        raise InvalidArgument(f"at most {MAX_GROUPS} synonym groups; delete one first",
                              problem=PROBLEM)
    return await unit.synonyms.create(group)


async def delete_group(unit: AgentUnit, id_: uuid.UUID) -> None:
    if not await unit.synonyms.delete(id_):
        raise NotFound(f"synonym group {id_} not found")
