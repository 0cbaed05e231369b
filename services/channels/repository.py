"""All SQL of the channels service (sync state and the listings cache: sync/repository.py), and
its unit of work. Repositories flush, never commit: the unit of work does.

The two lookups that name no tenant (a webhook URL's channel, an OAuth callback's state) run in
a tenantless unit: RLS shows it nothing, and each calls its SECURITY DEFINER function
(migration 0011), which returns just what the caller needs of one row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.channels.bots.repository import TelegramBotsRepository
from services.channels.models import (
    AccountStatus,
    ChannelAccount,
    ChannelKind,
    OAuthState,
    OutboundSend,
    SendStatus,
)
from services.channels.sync.repository import ChatsRepository, ListingsRepository, SyncStateRepository
from services.kernel.errors import Conflict, NotFound
from services.kernel.models import new_id
from services.kernel.outbox import Outbox
from services.kernel.repository import RepositoryBase
from services.kernel.tenancy import require_tenant
from services.kernel.unit import Unit


@dataclass(frozen=True, slots=True)
class WebhookAccount:
    """What checking a webhook needs of the account its URL names (the secret encrypted)."""

    tenant_id: uuid.UUID
    kind: int
    status: int
    webhook_token_sha256: str
    signing_secret_enc: bytes | None = field(repr=False)


_WEBHOOK_ACCOUNT = text("SELECT tenant_id, kind, status, webhook_token_sha256, signing_secret_enc "
                        "FROM channels.webhook_target(:channel_id)")
_OAUTH_STATE_TENANT = text("SELECT channels.oauth_state_tenant(:state_sha256)")
_CLAIM_TOKEN_CHECKS = text("SELECT * FROM channels.claim_token_checks(:now, :limit, :lease)")
_TELEGRAM_CHANNEL_TENANT = text("SELECT channels.telegram_channel_tenant(:telegram_id)")


@dataclass(frozen=True)
class TokenCheckClaim:
    channel_id: uuid.UUID
    tenant_id: uuid.UUID


class AccountsRepository(RepositoryBase[ChannelAccount]):
    model = ChannelAccount

    async def claim_token_checks(self, now: datetime, limit: int,
                                 lease_s: float) -> list[TokenCheckClaim]:
        """Lease up to `limit` active Avito accounts of any tenant due a token check
        (tenantless unit, through `channels.claim_token_checks`)."""
        rows = await self.session.execute(_CLAIM_TOKEN_CHECKS, {
            "now": now, "limit": limit, "lease": timedelta(seconds=lease_s)})
        return [TokenCheckClaim(r.id, r.tenant_id) for r in rows]

    async def record_token_check(self, channel_id: uuid.UUID, at: datetime, next_due: datetime,
                                 *, refused: str | None = None, error: str = "") -> None:
        """A check's outcome: `refused` (Avito's reason) starts or keeps `token_refused_since`,
        an accepted token clears it; `error` alone (Avito not answering) leaves it as it was."""
        values: dict[str, object] = {"token_checked_at": at, "token_check_due_at": next_due,
                                     "token_error": (refused or error)[:500]}
        if refused is not None:
            values["token_refused_since"] = func.coalesce(ChannelAccount.token_refused_since, at)
        elif not error:
            values["token_refused_since"] = None
        await self.session.execute(update(ChannelAccount).where(
            ChannelAccount.id == channel_id).values(**values))

    async def webhook_account(self, channel_id: uuid.UUID) -> WebhookAccount | None:
        """Tenantless: the account a webhook URL names, in whichever tenant."""
        row = (await self.session.execute(_WEBHOOK_ACCOUNT, {"channel_id": channel_id})).first()
        return None if row is None else WebhookAccount(*row)

    async def find_external(self, kind: ChannelKind,
                            external_account_id: str) -> ChannelAccount | None:
        return await self.session.scalar(select(ChannelAccount).where(
            ChannelAccount.kind == kind,
            ChannelAccount.external_account_id == external_account_id))

    async def telegram_tenant(self, telegram_id: int) -> uuid.UUID | None:
        """Tenantless: which tenant has this bot connected as a customer channel, if any."""
        tenant: uuid.UUID | None = await self.session.scalar(
            _TELEGRAM_CHANNEL_TENANT, {"telegram_id": str(telegram_id)})
        return tenant

    async def page(self, after: tuple[datetime, uuid.UUID] | None,
                   limit: int) -> list[ChannelAccount]:
        """Oldest first by (created_at, id), the keyset the cursor carries."""
        query = select(ChannelAccount).order_by(ChannelAccount.created_at, ChannelAccount.id)
        if after is not None:
            query = query.where(tuple_(ChannelAccount.created_at, ChannelAccount.id) > after)
        return list((await self.session.scalars(query.limit(limit))).all())

    async def insert(self, account: ChannelAccount) -> ChannelAccount:
        self.session.add(account)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # a concurrent connect of the same account won the race
            raise Conflict("this Avito account is already connected") from exc
        await self.session.refresh(account)  # created_at and friends come from the database
        return account

    async def save_token(self, channel_id: uuid.UUID, token_enc: bytes,
                         expires_at: datetime) -> None:
        await self.session.execute(update(ChannelAccount).where(ChannelAccount.id == channel_id)
                                   .values(access_token_enc=token_enc, token_expires_at=expires_at))

    async def get_active(self, channel_id: uuid.UUID) -> ChannelAccount | None:
        """The account only while it is connected: sync, sending and webhooks skip the rest."""
        return await self.session.scalar(select(ChannelAccount).where(
            ChannelAccount.id == channel_id, ChannelAccount.status == AccountStatus.ACTIVE))

    async def lock(self, channel_id: uuid.UUID) -> ChannelAccount:
        """The row, locked until the unit of work ends (and re-read, not the identity map's)."""
        row = await self.session.scalar(
            select(ChannelAccount).where(ChannelAccount.id == channel_id)
            .with_for_update().execution_options(populate_existing=True))
        if row is None:
            raise NotFound(f"channel {channel_id} not found")
        return row

    async def save(self, row: ChannelAccount, **changes: object) -> ChannelAccount:
        for name, value in changes.items():
            setattr(row, name, value)
        await self.session.flush()
        return row

    async def touch_last_webhook(self, channel_id: uuid.UUID) -> None:
        """At most one write a minute per account, however many deliveries arrive."""
        await self.session.execute(
            update(ChannelAccount).where(
                ChannelAccount.id == channel_id,
                or_(ChannelAccount.last_webhook_at.is_(None),
                    ChannelAccount.last_webhook_at < func.now() - timedelta(minutes=1)))
            .values(last_webhook_at=func.now()))


class OAuthStatesRepository(RepositoryBase[OAuthState]):
    """Consent requests in flight; only the state's SHA-256 is stored."""

    model = OAuthState

    async def tenant_of(self, state_sha256: str) -> uuid.UUID | None:
        """Tenantless: whose consent request this is (the callback names no tenant)."""
        tenant: uuid.UUID | None = await self.session.scalar(
            _OAUTH_STATE_TENANT, {"state_sha256": state_sha256})
        return tenant

    async def find(self, state_sha256: str) -> OAuthState | None:
        return await self.session.scalar(
            select(OAuthState).where(OAuthState.state_sha256 == state_sha256))

    async def claim(self, state_id: uuid.UUID, now: datetime) -> bool:
        """Mark the state used; False when another callback already did (single use)."""
        result = await self.session.execute(
            update(OAuthState).where(OAuthState.id == state_id, OAuthState.used_at.is_(None),
                                     OAuthState.expires_at > now)
            .values(used_at=now).returning(OAuthState.id))
        return result.first() is not None

    async def purge(self, before: datetime) -> None:
        """Forget the tenant's states that expired before `before` (used or not)."""
        await self.session.execute(delete(OAuthState).where(OAuthState.expires_at < before))


class SendsRepository(RepositoryBase[OutboundSend]):
    model = OutboundSend

    async def lock(self, *, message_id: uuid.UUID, conversation_id: uuid.UUID,
                   channel_id: uuid.UUID, external_chat_id: str) -> OutboundSend:
        """The send row of a message, created on first sight, locked for this transaction."""
        await self.session.execute(insert(OutboundSend).values(
            id=new_id(), tenant_id=require_tenant(), message_id=message_id,
            conversation_id=conversation_id, channel_id=channel_id,
            external_chat_id=external_chat_id, status=SendStatus.PENDING, attempts=0,
            last_error="").on_conflict_do_nothing(index_elements=["tenant_id", "message_id"]))
        row = await self.session.scalar(
            select(OutboundSend).where(OutboundSend.message_id == message_id)
            .with_for_update().execution_options(populate_existing=True))
        assert row is not None  # inserted or already there, and visible to this tenant
        return row

    async def get_by_message(self, message_id: uuid.UUID) -> OutboundSend | None:
        return await self.session.scalar(
            select(OutboundSend).where(OutboundSend.message_id == message_id))

    async def save(self, row: OutboundSend, now: datetime, **changes: object) -> None:
        """Apply `changes`; updated_at is set here so it stays readable after the flush."""
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_at = now
        await self.session.flush()


class ChannelsUnit(Unit):
    """One transaction of the channels service: every repository of it, and `emit`."""

    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.accounts = AccountsRepository(session)
        self.oauth_states = OAuthStatesRepository(session)
        self.sends = SendsRepository(session)
        self.sync_states = SyncStateRepository(session)
        self.listings = ListingsRepository(session)
        self.chats = ChatsRepository(session)
        self.telegram_bots = TelegramBotsRepository(session)
