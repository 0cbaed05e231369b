"""The SDK's synonym groups against the real platform: add, list, replace, the refusal named,
delete."""

from __future__ import annotations

import pytest
from switchboard_sdk import InvalidInput, NotFound, Switchboard


async def test_synonym_groups(sb: Switchboard) -> None:
    group = await sb.put_synonym_group(["Симка", "сим-карта", "sim"])
    assert group.words == ["симка", "сим-карта", "sim"] and group.created_at is not None
    assert [g.id for g in await sb.synonym_groups()] == [group.id]
    replaced = await sb.put_synonym_group(["симка", "есим"], group_id=group.id)
    assert replaced.id == group.id and replaced.words == ["симка", "есим"]
    with pytest.raises(InvalidInput, match="at least 2 different words"):
        await sb.put_synonym_group(["симка"])
    await sb.delete_synonym_group(group.id)
    with pytest.raises(NotFound):
        await sb.delete_synonym_group(group.id)
    assert await sb.synonym_groups() == []
