"""The SQL of ExportMessages. A page walks the tenant's conversations by id (those whose last
message is not before the range) and, LATERAL, each one's messages in the range through
ix_messages_timeline, so a page costs its own rows and PostgreSQL never sorts the range."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, true, tuple_
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

    def _conversations(self, rng: ExportRange) -> list[object]:
        # last_message_at is the newest message's time: older conversations have none in range
        where: list[object] = [Conversation.last_message_at >= rng.since]
        if rng.channel_ids:
            where.append(Conversation.channel_id.in_(rng.channel_ids))
        return where

    async def page(self, rng: ExportRange, size: int, cursor: str) -> ExportPage:
        conv_where = self._conversations(rng)
        msg_where = [Message.sent_at >= rng.since, Message.sent_at < rng.until]
        if cursor:
            c = self.cursors.decode(cursor, c=cursor_id, t=cursor_time, id=cursor_id)
            conv_where.append(Conversation.id >= c["c"])
            msg_where.append(or_(Message.conversation_id > c["c"],
                                 tuple_(Message.sent_at, Message.id) > tuple_(c["t"], c["id"])))
        convs = select(Conversation.id).where(*conv_where).order_by(Conversation.id).subquery("c")
        inner = (select(Message).where(Message.conversation_id == convs.c.id, *msg_where)
                 .order_by(Message.sent_at, Message.id).lateral("m"))
        m = aliased(Message, inner)
        rows = list((await self.session.scalars(
            select(m).select_from(convs).join(inner, true())
            .order_by(m.conversation_id, m.sent_at, m.id).limit(size + 1))).all())
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
        convs = select(Conversation.id).where(*self._conversations(rng)).subquery("c")
        row = (await self.session.execute(
            select(func.count(Message.id), func.count(func.distinct(Message.conversation_id)))
            .select_from(convs).join(Message, and_(
                Message.conversation_id == convs.c.id,
                Message.sent_at >= rng.since, Message.sent_at < rng.until)))).one()
        return int(row[0]), int(row[1])
