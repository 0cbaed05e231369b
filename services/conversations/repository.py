"""All SQL of the conversations service (the inbox list statement: inbox/queries.py), and its
unit of work. Repositories flush, never commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from google.protobuf.message import Message as ProtoMessage
from sqlalchemy import (
    Select,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, defer

from services.conversations.canned.repository import CannedReplyRepository
from services.conversations.export.queries import ExportRepository
from services.conversations.inbox.filters import ConversationFilter, Sort
from services.conversations.inbox.queries import ConversationRow, cursor_fields, page_query
from services.conversations.models import Contact, Conversation, Direction, Media, Message, Sender
from services.kernel.outbox import Outbox
from services.kernel.repository import RepositoryBase, cursor_id, cursor_time
from services.kernel.tenancy import require_tenant
from services.kernel.unit import Unit
from services.kernel.wire import Topic


def _upsert_contacts() -> Any:
    stmt = insert(Contact)
    return stmt.on_conflict_do_update(
        index_elements=[Contact.tenant_id, Contact.channel_id, Contact.external_user_id],
        set_={"name": func.coalesce(func.nullif(stmt.excluded.name, ""), Contact.name),
              "phone": func.coalesce(func.nullif(stmt.excluded.phone, ""), Contact.phone)},
    ).returning(Contact)


# Batch statements built once: rows go in as executemany parameters (SQLAlchemy's
# "insertmanyvalues" batches them into multi-row INSERTs with one cached compilation).
_UPSERT_CONTACTS = _upsert_contacts()
_INSERT_CONVERSATIONS = insert(Conversation).on_conflict_do_nothing(index_elements=[
    Conversation.tenant_id, Conversation.channel_id, Conversation.external_chat_id])
_INSERT_MESSAGES = insert(Message).on_conflict_do_nothing(
    index_elements=[Message.tenant_id, Message.conversation_id, Message.external_message_id],
    index_where=Message.external_message_id.is_not(None)).returning(Message)
_SNOOZED_DUE = text("SELECT tenant_id, id FROM conversations.snoozed_due(:now, :limit)")


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

    async def fill_name(self, channel_id: uuid.UUID, external_user_id: str,
                        name: str) -> Contact | None:
        """Name a contact that has no name; None when it is unknown or named already."""
        return (await self.session.scalars(
            update(Contact).where(Contact.channel_id == channel_id,
                                  Contact.external_user_id == external_user_id,
                                  Contact.name == "")
            .values(name=name, updated_at=func.now()).returning(Contact),
            execution_options={"populate_existing": True})).first()

    async def upsert_many(self, rows: Sequence[tuple[uuid.UUID, str, str, str]]
                          ) -> dict[tuple[uuid.UUID, str], Contact]:
        """`upsert` for (channel_id, external_user_id, name, phone) rows in one statement,
        keyed by (channel_id, external_user_id); the last non-empty name and phone win."""
        merged: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}
        for channel_id, user_id, name, phone in rows:
            row = merged.setdefault((channel_id, user_id), {
                "id": uuid.uuid4(), "tenant_id": require_tenant(), "channel_id": channel_id,
                "external_user_id": user_id, "name": "", "phone": ""})
            row["name"], row["phone"] = name or row["name"], phone or row["phone"]
        # Sorted: concurrent batches lock the same rows in the same order (no deadlock).
        # Rows as parameters, not .values([...]): one cached statement whatever the count.
        contacts = await self.session.scalars(
            _UPSERT_CONTACTS, [merged[k] for k in sorted(merged, key=str)],
            execution_options={"populate_existing": True})
        return {(c.channel_id, c.external_user_id): c for c in contacts}


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

    async def insert_many_if_absent(self, rows: Sequence[dict[str, Any]]
                                    ) -> dict[tuple[uuid.UUID, str], Conversation]:
        """`insert_if_absent` for many chats in two statements, keyed by (channel_id,
        external_chat_id); the first row of a chat wins. All returned rows are locked."""
        unique: dict[tuple[uuid.UUID, str], dict[str, Any]] = {}
        for values in rows:
            unique.setdefault((values["channel_id"], values["external_chat_id"]), values)
        keys = sorted(unique, key=str)  # one lock order for concurrent batches
        tenant = require_tenant()
        await self.session.execute(_INSERT_CONVERSATIONS, [
            {"id": uuid.uuid4(), "tenant_id": tenant, **unique[k]} for k in keys])
        found = await self.session.scalars(
            select(Conversation).where(
                tuple_(Conversation.channel_id, Conversation.external_chat_id).in_(keys))
            .order_by(Conversation.id).with_for_update())
        return {(c.channel_id, c.external_chat_id): c for c in found}

    async def get_many_with_contacts(self, ids: Sequence[uuid.UUID]) -> list[ConversationRow]:
        if not ids:
            return []
        rows = await self.session.execute(self._with_contact().where(Conversation.id.in_(ids)))
        return [(r[0], r[1]) for r in rows]

    async def of_contact(self, contact_id: uuid.UUID, limit: int) -> list[Conversation]:
        """A contact's conversations, most recent first; at most `limit`."""
        return list((await self.session.scalars(
            select(Conversation).where(Conversation.contact_id == contact_id)
            .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
            .limit(limit))).all())

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

    async def snoozed_due(self, now: datetime, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(tenant id, conversation id) of snoozed conversations of every tenant due at `now`,
        the longest due first (a tenantless unit: the definer function reads across tenants)."""
        rows = await self.session.execute(_SNOOZED_DUE, {"now": now, "limit": limit})
        return [(r.tenant_id, r.id) for r in rows]

    async def list_page(self, flt: ConversationFilter, sort: Sort, size: int,
                        cursor: str) -> tuple[list[ConversationRow], str]:
        """One keyset page, pinned conversations first; returns the rows and the next cursor
        ('' when none). The cursor says which part (`pin`) its row was in: a page that starts
        among the pinned reads them, then fills up with the others from their start."""
        after = self.cursors.decode(cursor, **cursor_fields(sort)) if cursor else None
        in_pinned = after is None or self.cursors.decode(cursor).get("pin") is True
        rows: list[ConversationRow] = []
        if in_pinned:
            rows = await self._part(flt, sort, size + 1, after, pinned=True)
            after = None
        if len(rows) <= size:
            rows += await self._part(flt, sort, size + 1 - len(rows), after, pinned=False)
        page = rows[:size]
        if len(rows) <= size:
            return page, ""
        last = page[-1][0]
        return page, self.cursors.encode({"t": last.last_message_at.isoformat(),
                                          "p": last.listing_price_minor, "id": str(last.id),
                                          "pin": last.pinned})

    async def _part(self, flt: ConversationFilter, sort: Sort, limit: int,
                    after: dict[str, Any] | None, *, pinned: bool) -> list[ConversationRow]:
        stmt, values = page_query(flt, sort, limit, after, pinned=pinned)
        return [(r[0], r[1]) for r in (await self.session.execute(stmt, values)).all()]


class MessageRepository(RepositoryBase[Message]):
    model = Message
    # Channel messages this unit inserted (imported history aside): what the plan's
    # messages_per_month counts of channel traffic (services/conversations/quotas).
    inserted: int = 0

    async def insert_if_new(self, values: dict[str, Any]) -> Message | None:
        """Store an external message once; None when it is already stored (a redelivery)."""
        stmt = insert(Message).values(id=uuid.uuid4(), tenant_id=require_tenant(), **values)
        stmt = stmt.on_conflict_do_nothing(
            index_elements=[Message.tenant_id, Message.conversation_id, Message.external_message_id],
            index_where=Message.external_message_id.is_not(None)).returning(Message)
        message = (await self.session.scalars(stmt)).first()
        self.inserted += message is not None and not message.historical
        return message

    async def insert_many_if_new(self, rows: Sequence[dict[str, Any]]) -> list[Message]:
        """`insert_if_new` for many external messages in one statement: the new ones."""
        tenant = require_tenant()
        new = list(await self.session.scalars(_INSERT_MESSAGES, [
            {"id": uuid.uuid4(), "tenant_id": tenant, **values} for values in rows]))
        self.inserted += sum(not m.historical for m in new)
        return new

    async def contents(self, keys: Sequence[tuple[uuid.UUID, str]]
                       ) -> dict[tuple[uuid.UUID, str], tuple[str, str]]:
        """(conversation id, external id) -> (text, content type) of stored messages."""
        rows = await self.session.execute(
            select(Message.conversation_id, Message.external_message_id, Message.text,
                   Message.content_type)
            .where(tuple_(Message.conversation_id, Message.external_message_id).in_(set(keys))))
        return {(r.conversation_id, r.external_message_id): (r.text, r.content_type) for r in rows}

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

    async def human_reply_since(self, conversation_id: uuid.UUID, since: datetime) -> bool:
        """Whether a person on the seller's side (inbox, API, the channel's app) replied at or
        after `since` (a handoff they answered before it reached us stays closed)."""
        return bool(await self.session.scalar(select(select(Message.id).where(
            Message.conversation_id == conversation_id,
            Message.direction == Direction.OUTBOUND,
            Message.sender.in_([Sender.USER, Sender.CHANNEL_APP]),
            Message.content_type != "note",
            Message.sent_at >= since).exists())))

    async def delete(self, id_: uuid.UUID) -> None:
        await self.session.execute(delete(Message).where(Message.id == id_))

    async def set_fields(self, id_: uuid.UUID, **values: Any) -> None:
        await self.session.execute(update(Message).where(Message.id == id_).values(**values))

    async def list_page(self, conversation_id: uuid.UUID, size: int,
                        cursor: str) -> tuple[list[Message], str]:
        stmt = select(Message).where(Message.conversation_id == conversation_id)
        if cursor:
            c = self.cursors.decode(cursor, t=cursor_time, id=cursor_id)
            t, id_ = c["t"], c["id"]
            stmt = stmt.where(or_(Message.sent_at < t, and_(Message.sent_at == t, Message.id < id_)))
        rows = list((await self.session.scalars(
            stmt.order_by(Message.sent_at.desc(), Message.id.desc()).limit(size + 1))).all())
        return self._page(rows, size)

    async def newest_of_many(self, conversation_ids: Sequence[uuid.UUID],
                             size: int) -> dict[uuid.UUID, tuple[list[Message], str]]:
        """`list_page` without a cursor for each conversation, in one query: a LATERAL walk of
        ix_messages_timeline per id, `size` + 1 rows each. Every id is in the answer; row-level
        security leaves another tenant's conversations (and unknown ids) without messages."""
        found: dict[uuid.UUID, list[Message]] = {id_: [] for id_ in conversation_ids}
        if not found:
            return {}
        ids = bindparam("ids", list(found), type_=ARRAY(PG_UUID(as_uuid=True)))  # one $n
        wanted = func.unnest(ids).table_valued("id").render_derived(name="wanted")
        newest = (select(Message).where(Message.conversation_id == wanted.c.id)
                  .order_by(Message.sent_at.desc(), Message.id.desc()).limit(size + 1)
                  .lateral("newest"))
        m = aliased(Message, newest)
        rows = await self.session.scalars(
            select(m).select_from(wanted).join(newest, true())
            .order_by(m.conversation_id, m.sent_at.desc(), m.id.desc())
            .options(defer(m.raw, raiseload=True)))  # the webhook as received: not shown
        for message in rows:
            found[message.conversation_id].append(message)
        return {id_: self._page(messages, size) for id_, messages in found.items()}

    def _page(self, rows: list[Message], size: int) -> tuple[list[Message], str]:
        """Newest-first rows (at most size + 1) -> the page and the cursor past it ('' when
        none)."""
        if len(rows) <= size:
            return rows, ""
        last = rows[size - 1]
        return rows[:size], self.cursors.encode({"t": last.sent_at.isoformat(), "id": str(last.id)})


class MediaRepository(RepositoryBase[Media]):
    model = Media

    async def describe(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
        """id -> (mime type, filename) of the stored files among `ids`, without their bytes."""
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Media.id, Media.mime_type, Media.filename).where(Media.id.in_(ids)))
        return {r.id: (r.mime_type, r.filename) for r in rows}


class ConversationsUnit(Unit):
    """One transaction of the conversations service: its repositories and `emit`."""

    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        super().__init__(session, outbox)
        self.contacts = ContactRepository(session)
        self.conversations = ConversationRepository(session)
        self.messages = MessageRepository(session)
        self.media = MediaRepository(session)
        self.exports = ExportRepository(session)
        self.canned = CannedReplyRepository(session)

    async def reported(self, message_id: str, settled: Callable[[Message], bool]
                       ) -> tuple[Message, Conversation] | None:
        """The message a channel reports on, with its conversation locked for the change;
        None when it is unknown here or `settled` says the report changes nothing."""
        message = await self.messages.get(uuid.UUID(message_id))
        if message is None or settled(message):
            return None
        conversation = await self.conversations.lock(message.conversation_id)
        assert conversation is not None  # a message's conversation is never deleted
        return message, conversation

    async def announce(self, topic: Topic, build: Callable[..., ProtoMessage],
                       conversation: Conversation, *about: Message) -> None:
        """Write the changes so far, then emit `build(conversation, its contact, *about)`:
        every conversations event carries the conversation as it now stands."""
        await self.flush()
        contact = await self.contacts.get_or_raise(conversation.contact_id)
        self.emit(topic, build(conversation, contact, *about))
