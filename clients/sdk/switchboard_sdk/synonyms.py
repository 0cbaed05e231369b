"""The seller's synonym groups: words that mean the same in this shop («симка», «сим-карта»,
«sim»), which the agent's retrieval uses on its next search (GraphQL `synonymGroups`,
`putSynonymGroup`, `deleteSynonymGroup`; the same as REST /v1/agent/knowledge/synonyms)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from switchboard_sdk._base import Api
from switchboard_sdk._codec import decode, decode_list

_FIELDS = "id words createdAt updatedAt"
SYNONYM_GROUPS = f"query SynonymGroups {{ synonymGroups {{ {_FIELDS} }} }}"
PUT_SYNONYM_GROUP = f"""
mutation PutSynonymGroup($words: [String!]!, $id: ID) {{
  putSynonymGroup(words: $words, id: $id) {{ {_FIELDS} }}
}}"""
DELETE_SYNONYM_GROUP = "mutation DeleteSynonymGroup($id: ID!) { deleteSynonymGroup(id: $id) }"


@dataclass(frozen=True)
class SynonymGroup:
    id: str
    words: list[str] = field(default_factory=list)  # lower case, as stored
    created_at: datetime | None = None
    updated_at: datetime | None = None


class SynonymsApi(Api):
    async def synonym_groups(self) -> list[SynonymGroup]:
        """The seller's synonym groups, oldest first (at most 500)."""
        return decode_list(SynonymGroup, await self._data(SYNONYM_GROUPS, "synonymGroups"))

    async def put_synonym_group(self, words: Sequence[str], *,
                                group_id: str | None = None) -> SynonymGroup:
        """Add a group (2 to 20 words or short phrases of 1..60 characters), or replace the
        words of `group_id`. InvalidInput names what is wrong. Replacing is safe to repeat;
        adding is not repeated blindly (a repeat would add the group twice)."""
        found = await self._data(PUT_SYNONYM_GROUP, "putSynonymGroup", safe=group_id is not None,
                                 words=list(words), id=group_id)
        return decode(SynonymGroup, found)

    async def delete_synonym_group(self, group_id: str) -> None:
        """Delete a group (NotFound if there is none)."""
        await self._data(DELETE_SYNONYM_GROUP, "deleteSynonymGroup", safe=False, id=group_id)
