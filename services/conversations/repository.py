"""All SQL of the conversations service. Flushes, never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert

from services.conversations.domain import ConversationFilter, Direction, Sender, Sort
from services.conversations.models import Contact, Conversation, Media, Message
from services.kernel.repository import RepositoryBase, decode_cursor, encode_cursor
from services.kernel.tenancy import require_tenant

ConversationRow = tuple[Conversation, Contact]


class ContactRepository(RepositoryBase[Contact]):
    model = Contact

    async def upsert(self, channel_id: uuid.UUID, external_user_id: str, name: str,
                     phone: str) -> Contact:
        """Insert or refresh a contact; a known name is never blanked by a nameless event."""
        stmt = insert(Contact).values(
            id=uuid.uuid4(), tenant_id=require_tenant(), channel_id=channel_id,
            external_user_id=external_user_id, name=name, phone=phone)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Contact.tenant_id, Contact.channel_id, Contact.external_user_id],
            set_={"name": func.coalesce(func.nullif(stmt.excluded.name, ""), Contact.name),
                  "phone": func.coalesce(func.nullif(stmt.excluded.phone, ""), Contact.phone)},
        ).returning(Contact)
        return (await self.session.scalars(
            stmt, execution_options={"populate_existing": True})).one()


class ConversationRepository(RepositoryBase[Conversation]):
    model = Conversation

    def _with_contact(self) -> Select[ConversationRow]:
        return select(Conversation, Contact).join(Contact, Contact.id == Conversation.contact_id)

    async def get_with_contact(self, id_: uuid.UUID) -> ConversationRow | None:
        row = (await self.session.execute(
            self._with_contact().where(Conversation.id == id_))).first()
        return (row[0], row[1]) if row else None

    async def lock(self, id_: uuid.UUID) -> Conversation | None:
        """The row, locked for this transaction: concurrent updates of counters serialize."""
        return (await self.session.scalars(
            select(Conversation).where(Conversation.id == id_).with_for_update())).first()

    async def find_external(self, channel_id: uuid.UUID, external_chat_id: str,
                            *, for_update: bool = False) -> Conversation | None:
        stmt = select(Conversation).where(Conversation.channel_id == channel_id,
                                          Conversation.external_chat_id == external_chat_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def insert_if_absent(self, values: dict[str, Any]) -> Conversation:
        """Create the conversation unless a concurrent event already did; return it locked."""
        stmt = insert(Conversation).values(id=uuid.uuid4(), tenant_id=require_tenant(), **values)
        await self.session.execute(stmt.on_conflict_do_nothing(
            index_elements=[Conversation.tenant_id, Conversation.channel_id,
                            Conversation.external_chat_id]))
        found = await self.find_external(values["channel_id"], values["external_chat_id"],
                                         for_update=True)
        assert found is not None  # inserted or already there, and RLS shows our own rows
        return found

    async def get_many_with_contacts(self, ids: Sequence[uuid.UUID]) -> list[ConversationRow]:
        if not ids:
            return []
        rows = await self.session.execute(self._with_contact().where(Conversation.id.in_(ids)))
        return [(r[0], r[1]) for r in rows]

    async def differing_from_listing(self, channel_id: uuid.UUID, item_id: str,
                                     values: dict[str, Any], limit: int) -> list[ConversationRow]:
        """Conversations about one listing whose stored details differ from `values` (column
        -> value), locked; at most `limit` (ix_conversations_listing serves it)."""
        differs = or_(*(getattr(Conversation, name).is_distinct_from(value)
                        for name, value in values.items()))
        rows = await self.session.execute(
            self._with_contact().where(Conversation.channel_id == channel_id,
                                       Conversation.listing_external_id == item_id, differs)
            .order_by(Conversation.id).limit(limit).with_for_update(of=Conversation))
        return [(r[0], r[1]) for r in rows]

    async def list_page(self, flt: ConversationFilter, sort: Sort, size: int,
                        cursor: str) -> tuple[list[ConversationRow], str]:
        """One keyset page; returns the rows and the next cursor ('' when none)."""
        stmt = _filtered(self._with_contact(), flt)
        order, after = _SORTS[sort]
        if cursor:
            stmt = stmt.where(after(decode_cursor(cursor)))
        rows = (await self.session.execute(stmt.order_by(*order).limit(size + 1))).all()
        page = [(r[0], r[1]) for r in rows[:size]]
        if len(rows) <= size:
            return page, ""
        last = page[-1][0]
        return page, encode_cursor({"t": last.last_message_at.isoformat(),
                                    "p": last.listing_price_minor, "id": str(last.id)})


def _filtered(stmt: Select[ConversationRow], flt: ConversationFilter) -> Select[ConversationRow]:
    if flt.status is not None:
        stmt = stmt.where(Conversation.status == flt.status)
    if flt.mode is not None:
        stmt = stmt.where(Conversation.mode == flt.mode)
    if flt.unread_only:
        stmt = stmt.where(Conversation.unread_count > 0)
    if flt.channel_id is not None:
        stmt = stmt.where(Conversation.channel_id == flt.channel_id)
    return stmt


def _after_recent(c: dict[str, Any]) -> Any:
    t, id_ = datetime.fromisoformat(c["t"]), uuid.UUID(c["id"])
    return or_(Conversation.last_message_at < t,
               and_(Conversation.last_message_at == t, Conversation.id < id_))


def _after_price(ascending: bool) -> Any:
    """Keyset past (price, id) with conversations of unknown price always last."""
    def after(c: dict[str, Any]) -> Any:
        id_, price = uuid.UUID(c["id"]), c["p"]
        col = Conversation.listing_price_minor
        if price is None:
            return and_(col.is_(None), (Conversation.id > id_) if ascending
                        else (Conversation.id < id_))
        beyond = col > price if ascending else col < price
        tie = Conversation.id > id_ if ascending else Conversation.id < id_
        return or_(beyond, and_(col == price, tie), col.is_(None))
    return after


_SORTS: dict[Sort, tuple[tuple[Any, ...], Any]] = {
    Sort.RECENT: ((Conversation.last_message_at.desc(), Conversation.id.desc()), _after_recent),
    Sort.PRICE_ASC: ((Conversation.listing_price_minor.asc().nulls_last(),
                      Conversation.id.asc()), _after_price(True)),
    Sort.PRICE_DESC: ((Conversation.listing_price_minor.desc().nulls_last(),
                       Conversation.id.desc()), _after_price(False)),
}


class MessageRepository(RepositoryBase[Message]):
    model = Message

    async def insert_if_new(self, values: dict[str, Any]) -> Message | None:
        """Store an external message once; None when it is already stored (a redelivery)."""
        stmt = insert(Message).values(id=uuid.uuid4(), tenant_id=require_tenant(), **values)
        stmt = stmt.on_conflict_do_nothing(
            index_elements=[Message.tenant_id, Message.conversation_id, Message.external_message_id],
            index_where=Message.external_message_id.is_not(None)).returning(Message)
        return (await self.session.scalars(stmt)).first()

    async def find_external(self, conversation_id: uuid.UUID, external_id: str) -> Message | None:
        return (await self.session.scalars(select(Message).where(
            Message.conversation_id == conversation_id,
            Message.external_message_id == external_id))).first()

    async def find_by_idempotency_key(self, conversation_id: uuid.UUID, key: str) -> Message | None:
        return (await self.session.scalars(select(Message).where(
            Message.conversation_id == conversation_id, Message.idempotency_key == key))).first()

    async def find_own_send_containing(self, conversation_id: uuid.UUID, text: str,
                                       since: datetime) -> Message | None:
        """Our newest recent outgoing message whose text contains `text` (an echo of a part)."""
        return (await self.session.scalars(select(Message).where(
            Message.conversation_id == conversation_id,
            Message.direction == Direction.OUTBOUND,
            Message.sender.in_([Sender.USER, Sender.AGENT]),
            Message.created_at >= since,
            Message.content_type != "note",  # private notes are never sent: nothing echoes them
            func.strpos(Message.text, text) > 0,
        ).order_by(Message.created_at.desc()).limit(1).with_for_update())).first()

    async def find_own_send_with_images(self, conversation_id: uuid.UUID,
                                        since: datetime) -> Message | None:
        """Our newest recent outgoing message with images (an echo of an image part carries
        Avito's URLs, nothing to compare: any recent image send of ours claims it)."""
        return (await self.session.scalars(select(Message).where(
            Message.conversation_id == conversation_id,
            Message.direction == Direction.OUTBOUND,
            Message.sender.in_([Sender.USER, Sender.AGENT]),
            Message.created_at >= since,
            Message.attachments.contains([{"kind": "image"}]),
        ).order_by(Message.created_at.desc()).limit(1).with_for_update())).first()

    async def delete(self, id_: uuid.UUID) -> None:
        await self.session.execute(delete(Message).where(Message.id == id_))

    async def set_fields(self, id_: uuid.UUID, **values: Any) -> None:
        await self.session.execute(update(Message).where(Message.id == id_).values(**values))

    async def list_page(self, conversation_id: uuid.UUID, size: int,
                        cursor: str) -> tuple[list[Message], str]:
        stmt = select(Message).where(Message.conversation_id == conversation_id)
        if cursor:
            c = decode_cursor(cursor)
            t, id_ = datetime.fromisoformat(c["t"]), uuid.UUID(c["id"])
            stmt = stmt.where(or_(Message.sent_at < t, and_(Message.sent_at == t, Message.id < id_)))
        rows = list((await self.session.scalars(
            stmt.order_by(Message.sent_at.desc(), Message.id.desc()).limit(size + 1))).all())
        if len(rows) <= size:
            return rows, ""
        last = rows[size - 1]
        return rows[:size], encode_cursor({"t": last.sent_at.isoformat(), "id": str(last.id)})


class MediaRepository(RepositoryBase[Media]):
    model = Media

    async def describe(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
        """id -> (mime type, filename) of the stored files among `ids`, without their bytes."""
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Media.id, Media.mime_type, Media.filename).where(Media.id.in_(ids)))
        return {r.id: (r.mime_type, r.filename) for r in rows}
