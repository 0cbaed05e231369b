"""SQL of reconciliation and chat details: the due-row table `sync_state`, the `listings`
cache and the `chats` whose buyer was looked up (on `ChannelsUnit`: `unit.sync_states`,
`unit.listings`, `unit.chats`). Flushes, never commits.

`sync_state` is a due-row table: whoever drives it (our scheduler loop today, the scheduling
service later) claims due rows of every tenant with FOR UPDATE SKIP LOCKED, pushes
`next_due_at` forward as a lease and commits — in a tenantless unit, through the definer
function `channels.claim_due_syncs` (one statement per batch; RLS shows the unit nothing else);
the pass then completes or fails the claim in the row's tenant's unit. Completing compares the lease,
so a row moved meanwhile (SyncChannel, or a scheduler) keeps its new due time. The scheduler's
times come from its clock (`sync/clock.py`: a test moves it by hand); SyncChannel's and a new
account's "due now" are the database's, which the system clock agrees with.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels.models import ChannelAccount, Chat, Listing, SyncState
from services.kernel.models import new_id
from services.kernel.tenancy import require_tenant


@dataclass(frozen=True)
class SyncClaim:
    """A due account, leased to one pass until `lease_until`."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    channel_id: uuid.UUID
    lease_until: datetime
    synced_until: int
    backfilled: bool
    last_synced_at: datetime | None
    scheduled_since: datetime  # when the row was made: the account's connection


_CLAIM_DUE = text(
    "SELECT id, tenant_id, channel_id, lease_until, synced_until, backfilled_at, last_synced_at, "
    "created_at FROM channels.claim_due_syncs(:now, :limit, :lease, :exclude)"
).bindparams(bindparam("exclude", type_=ARRAY(UUID(as_uuid=True))))
_OVERDUE = text("SELECT channels.overdue_syncs(:now, :grace)")
_CATCH_UP = text("SELECT channels.catch_up_syncs(:since)")


class SyncStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, channel_id: uuid.UUID) -> SyncState | None:
        return await self.session.scalar(select(SyncState).where(SyncState.channel_id == channel_id))

    async def create(self, channel_id: uuid.UUID) -> None:
        """A new account is due at once, for its backfill (tenant unit of work)."""
        await self.session.execute(insert(SyncState).values(
            id=new_id(), tenant_id=require_tenant(), channel_id=channel_id,
            next_due_at=func.now(), synced_until=0, failures=0, last_error="",
        ).on_conflict_do_nothing(index_elements=["tenant_id", "channel_id"]))

    async def claim_due(self, now: datetime, limit: int, lease_s: float,
                        exclude: Collection[uuid.UUID] = ()) -> list[SyncClaim]:
        """Lease up to `limit` rows due at `now` (the scheduler's clock), of any tenant
        (tenantless unit); rows another claimer holds are skipped, not waited for."""
        rows = await self.session.execute(_CLAIM_DUE, {
            "now": now, "limit": limit, "lease": timedelta(seconds=lease_s),
            "exclude": list(exclude)})
        return [SyncClaim(r.id, r.tenant_id, r.channel_id, r.lease_until, r.synced_until,
                          r.backfilled_at is not None, r.last_synced_at, r.created_at)
                for r in rows]

    async def complete(self, claim: SyncClaim, *, synced_until: int, next_due_at: datetime) -> None:
        """A pass succeeded (tenant unit of work): record how far it got, schedule the next."""
        await self.session.execute(update(SyncState).where(SyncState.id == claim.id).values(
            synced_until=func.greatest(SyncState.synced_until, synced_until),
            last_synced_at=func.now(), failures=0, last_error="",
            backfilled_at=func.coalesce(SyncState.backfilled_at, func.now()),
            next_due_at=self._unless_moved(claim, next_due_at), updated_at=func.now()))
        await self.session.execute(update(ChannelAccount)
                                   .where(ChannelAccount.id == claim.channel_id)
                                   .values(last_sync_at=func.now()))

    async def fail(self, claim: SyncClaim, error: str, retry_at: datetime) -> None:
        await self.session.execute(update(SyncState).where(SyncState.id == claim.id).values(
            failures=SyncState.failures + 1, last_error=error[:2000],
            next_due_at=self._unless_moved(claim, retry_at), updated_at=func.now()))

    async def postpone(self, claim: SyncClaim, due_at: datetime) -> None:
        """Nothing to do for this account now (disconnected): look again at `due_at`."""
        await self.session.execute(update(SyncState).where(SyncState.id == claim.id).values(
            next_due_at=self._unless_moved(claim, due_at), updated_at=func.now()))

    async def failures(self, claim: SyncClaim) -> int:
        return int(await self.session.scalar(
            select(SyncState.failures).where(SyncState.id == claim.id)) or 0)

    async def request_now(self, channel_id: uuid.UUID) -> datetime:
        """Due now (SyncChannel); creates the row for an account connected before sync was."""
        await self.create(channel_id)
        return (await self.session.execute(
            update(SyncState).where(SyncState.channel_id == channel_id)
            .values(next_due_at=func.now(), updated_at=func.now())
            .returning(SyncState.next_due_at))).scalar_one()

    async def overdue(self, now: datetime, grace_s: float) -> int:
        """Accounts of every tenant past their due time by more than `grace_s` (tenantless
        unit: a count, through `channels.overdue_syncs`)."""
        return int(await self.session.scalar(
            _OVERDUE, {"now": now, "grace": timedelta(seconds=grace_s)}) or 0)

    async def catch_up(self, since: datetime) -> int:
        """Every tenant's connected accounts that had a webhook since `since` and are not due
        yet become due now (tenantless unit, through `channels.catch_up_syncs`); how many."""
        return int(await self.session.scalar(_CATCH_UP, {"since": since}) or 0)

    @staticmethod
    def _unless_moved(claim: SyncClaim, value: Any) -> Any:
        """The new due time, unless someone moved the row off our lease meanwhile (then
        theirs stands: a SyncChannel asked during the pass runs right after it)."""
        return case((SyncState.next_due_at == claim.lease_until, value),
                    else_=SyncState.next_due_at)


class ListingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, channel_id: uuid.UUID, item_id: str) -> Listing | None:
        return await self.session.scalar(select(Listing).where(
            Listing.channel_id == channel_id, Listing.item_id == item_id))

    async def stale_items(self, channel_id: uuid.UUID, item_ids: Collection[str],
                          ttl_s: float) -> set[str]:
        """Which of `item_ids` are not cached, were fetched longer than `ttl_s` ago, or
        have no title (their chat did not tell)."""
        if not item_ids:
            return set()
        fresh = await self.session.scalars(select(Listing.item_id).where(
            Listing.channel_id == channel_id, Listing.item_id.in_(list(item_ids)),
            Listing.title != "",
            Listing.fetched_at >= func.now() - func.make_interval(0, 0, 0, 0, 0, 0, float(ttl_s))))
        return set(item_ids) - set(fresh.all())

    async def upsert(self, channel_id: uuid.UUID, item_id: str, **values: Any) -> Listing:
        """Insert or replace the cached listing; `fetched_at` becomes now."""
        stmt = insert(Listing).values(id=new_id(), tenant_id=require_tenant(),
                                      channel_id=channel_id, item_id=item_id,
                                      fetched_at=func.now(), **values)
        upsert = stmt.on_conflict_do_update(
            index_elements=[Listing.tenant_id, Listing.channel_id, Listing.item_id],
            set_={**{name: getattr(stmt.excluded, name) for name in values},
                  "fetched_at": func.now(), "updated_at": func.now()},
        ).returning(Listing)
        row: Listing = (await self.session.scalars(
            upsert, execution_options={"populate_existing": True})).one()
        return row


class ChatsRepository:
    """Chats whose buyer was looked up on the channel: the lookup is made once per chat."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def looked_up(self, channel_id: uuid.UUID, chat_id: str) -> bool:
        return await self.session.scalar(select(Chat.id).where(
            Chat.channel_id == channel_id, Chat.chat_id == chat_id)) is not None

    async def record(self, channel_id: uuid.UUID, chat_id: str, buyer_user_id: str,
                     buyer_name: str) -> bool:
        """Note a lookup and what it found; False when the chat was noted already (another
        replica looked it up meanwhile: its result stands)."""
        inserted = await self.session.scalar(insert(Chat).values(
            id=new_id(), tenant_id=require_tenant(), channel_id=channel_id, chat_id=chat_id,
            buyer_user_id=buyer_user_id, buyer_name=buyer_name, looked_up_at=func.now(),
        ).on_conflict_do_nothing(index_elements=[Chat.tenant_id, Chat.channel_id, Chat.chat_id])
            .returning(Chat.id))
        return inserted is not None
