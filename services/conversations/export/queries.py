"""The SQL of ExportMessages. A page walks the tenant's conversations by id (those whose last
message is not before the range: ids only, sorted) and, LATERAL, each one's messages in the
range through ix_messages_timeline under the LIMIT, so PostgreSQL never sorts the range's
messages (tests/bench/test_export_explain.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Select, and_, bindparam, func, or_, select, true, tuple_
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.orm import aliased

from services.conversations.inbox.queries import ConversationRow
from services.conversations.models import Contact, Conversation, Message
from services.kernel.repository import RepositoryBase, cursor_id, cursor_time


@dataclass(frozen=True, slots=True)
class ExportRange:
    since: datetime  # inclusive
    until: datetime  # exclusive
    channel_ids: tuple[uuid.UUID, ...]  # empty = every channel


@dataclass(frozen=True, slots=True)
class ExportPage:
    messages: list[Message]
    conversations: list[ConversationRow]
    cursor: str


class ExportRepository(RepositoryBase[Message]):
    model = Message

    async def page(self, rng: ExportRange, size: int, cursor: str) -> ExportPage:
        after = self.cursors.decode(cursor, c=cursor_id, t=cursor_time, id=cursor_id) \
            if cursor else None
        rows = list((await self.session.scalars(page_statement(rng, size + 1, after))).all())
        more = len(rows) > size
        rows = rows[:size]
        next_cursor = ""
        if more:
            last = rows[-1]
            next_cursor = self.cursors.encode({"c": str(last.conversation_id),
                                               "t": last.sent_at.isoformat(), "id": str(last.id)})
        return ExportPage(rows, await self._with_contacts(rows), next_cursor)

    async def _with_contacts(self, rows: list[Message]) -> list[ConversationRow]:
        ids = list(dict.fromkeys(m.conversation_id for m in rows))
        if not ids:
            return []
        found = await self.session.execute(
            select(Conversation, Contact).join(Contact, Contact.id == Conversation.contact_id)
            .where(Conversation.id.in_(ids)).order_by(Conversation.id))
        return [(r[0], r[1]) for r in found]

    async def totals(self, rng: ExportRange) -> tuple[int, int]:
        """(messages, conversations) in the range: the export's progress denominator."""
        convs = select(Conversation.id).where(*_in_range(rng)).subquery("c")
        row = (await self.session.execute(
            select(func.count(Message.id), func.count(func.distinct(Message.conversation_id)))
            .select_from(convs).join(Message, and_(
                Message.conversation_id == convs.c.id,
                Message.sent_at >= rng.since, Message.sent_at < rng.until)))).one()
        return int(row[0]), int(row[1])


def _in_range(rng: ExportRange) -> list[Any]:
    # last_message_at is the newest message's time and last_note_at the newest note's (notes
    # leave the other alone): a conversation older than both has nothing in the range
    where: list[Any] = [or_(Conversation.last_message_at >= rng.since,
                            Conversation.last_note_at >= rng.since)]
    if rng.channel_ids:
        where.append(Conversation.channel_id.in_(rng.channel_ids))
    return where


def page_statement(rng: ExportRange, limit: int, after: dict[str, Any] | None) -> Select[Any]:
    """`limit` messages of the range past `after` ({"c": conversation, "t": sent_at, "id"}),
    by conversation id, sent_at, id: conversations walked by id, each one's messages LATERAL."""
    conv_where = _in_range(rng)
    msg_where = [Message.sent_at >= rng.since, Message.sent_at < rng.until]
    if after:  # typed binds: the same statement with its values or prepared (generic)
        c, t, id_ = (bindparam(f"after_{k}", after[k], type_=kind) for k, kind in (
            ("c", PG_UUID(as_uuid=True)), ("t", DateTime(timezone=True)),
            ("id", PG_UUID(as_uuid=True))))
        conv_where.append(Conversation.id >= c)
        msg_where.append(or_(Message.conversation_id > c,
                             tuple_(Message.sent_at, Message.id) > tuple_(t, id_)))
    convs = select(Conversation.id).where(*conv_where).order_by(Conversation.id).subquery("c")
    inner = (select(Message).where(Message.conversation_id == convs.c.id, *msg_where)
             .order_by(Message.sent_at, Message.id).lateral("m"))
    m = aliased(Message, inner)
    return (select(m).select_from(convs).join(inner, true())
            # by the outer id, which PostgreSQL knows the walk is in: an Incremental Sort of
            # each conversation's few rows, not a Sort of the range
            .order_by(convs.c.id, m.sent_at, m.id).limit(limit))

