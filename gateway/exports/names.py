"""The names an export shows instead of ids: the tenant's channel accounts (channels'
ListChannels) and its team (identity.users, the gateway's own schema), read once as a job
starts. A seller reads "Avito: Диваны на Ленина", not a UUID; an account or person no longer
known keeps its id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from clients.rpc.channels import ChannelsClient
from gateway.identity.models import User

PAGE_SIZE, MAX_PAGES = 100, 100  # ListChannels pages at most 100: 10,000 accounts


@dataclass(frozen=True, slots=True)
class ExportNames:
    accounts: dict[str, str] = field(default_factory=dict)  # channel id -> its name
    people: dict[str, str] = field(default_factory=dict)  # user id -> name (else e-mail)

    def account(self, channel_id: str) -> str:
        return self.accounts.get(channel_id) or channel_id

    def person(self, user_id: str) -> str | None:
        return (self.people.get(user_id) or user_id) if user_id else None


async def account_names(channels: ChannelsClient, tenant_id: uuid.UUID) -> dict[str, str]:
    names: dict[str, str] = {}
    cursor = ""
    for _ in range(MAX_PAGES):
        page = await channels.list_channels(tenant_id, page_size=PAGE_SIZE, cursor=cursor)
        names.update((c.id, c.name) for c in page.channels if c.name)
        cursor = page.page_info.next_cursor
        if not cursor:
            break
    return names


async def people_names(session: AsyncSession) -> dict[str, str]:
    """The tenant's users (RLS: the unit's tenant only), disabled ones too: they wrote then."""
    rows = await session.execute(select(User.id, User.name, User.email))
    return {str(id_): name or email for id_, name, email in rows}
