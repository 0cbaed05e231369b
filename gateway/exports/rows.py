"""What an export's rows say, whatever the format: a message as a row of "Сообщения", and a
conversation tallied over its messages in the range as a row of "Диалоги". ExportMessages
yields a conversation's messages contiguously, so a tally is complete when the next
conversation starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.exports.names import ExportNames

MESSAGE_HEADER = ("Время", "Диалог", "Аккаунт", "Покупатель", "Объявление", "Направление",
                  "Автор", "Текст", "Вложения", "Статус")
CONVERSATION_HEADER = ("Диалог", "Аккаунт", "Покупатель", "Объявление", "Цена, ₽", "Ссылка",
                       "Статус", "Режим", "Ответственный", "Первое сообщение",
                       "Последнее сообщение", "Входящих", "Исходящих", "Ответов ИИ",
                       "Первый ответ, мин")
AUTHORS = {pb.SENDER_KIND_CONTACT: "покупатель", pb.SENDER_KIND_USER: "менеджер",
           pb.SENDER_KIND_AGENT: "ИИ", pb.SENDER_KIND_CHANNEL_APP: "менеджер (приложение)"}
STATUSES = {pb.CONVERSATION_STATUS_OPEN: "открыт", pb.CONVERSATION_STATUS_PENDING: "ожидает",
            pb.CONVERSATION_STATUS_SNOOZED: "отложен", pb.CONVERSATION_STATUS_RESOLVED: "решён"}
MODES = {pb.CONVERSATION_MODE_BOT: "ИИ", pb.CONVERSATION_MODE_MANAGER: "менеджер"}
MESSAGE_STATUSES = {pb.MESSAGE_STATUS_RECEIVED: "получено", pb.MESSAGE_STATUS_PENDING: "в очереди",
                    pb.MESSAGE_STATUS_SENT: "отправлено", pb.MESSAGE_STATUS_FAILED: "не отправлено"}
Cell = str | int | float | datetime | None


def local(ts: object, zone: ZoneInfo) -> datetime:
    """A protobuf Timestamp as a naive wall time in `zone` (spreadsheets have no zones)."""
    return ts.ToDatetime(zone).replace(tzinfo=None)  # type: ignore[attr-defined]


def _buyer(c: pb.Conversation) -> str:
    return c.contact.name or c.contact.external_user_id


def _attachments(m: pb.Message) -> str:
    return "\n".join(a.url or f"{a.kind}:{a.external_id}" for a in m.attachments)


def message_row(m: pb.Message, c: pb.Conversation, zone: ZoneInfo,
                names: ExportNames) -> tuple[Cell, ...]:
    note = m.content_type == "note"
    direction = "заметка" if note else (
        "входящее" if m.direction == common.DIRECTION_INBOUND else "исходящее")
    return (local(m.sent_at, zone), c.id, names.account(c.channel_id), _buyer(c),
            c.listing.title, direction, AUTHORS.get(m.sender, ""), m.text, _attachments(m),
            MESSAGE_STATUSES.get(m.status, ""))


@dataclass
class Tally:
    """One conversation's figures over its messages in the range."""

    conversation: pb.Conversation
    first: datetime | None = None
    last: datetime | None = None
    inbound: int = 0
    outbound: int = 0
    ai: int = 0
    waiting_since: datetime | None = None  # the first buyer message not yet answered
    first_response: timedelta | None = None

    def add(self, m: pb.Message) -> None:
        if m.content_type == "note":
            return
        at = m.sent_at.ToDatetime(UTC)
        self.first, self.last = self.first or at, at
        if m.direction == common.DIRECTION_INBOUND:
            self.inbound += 1
            if self.first_response is None and self.waiting_since is None:
                self.waiting_since = at
            return
        self.outbound += 1
        self.ai += m.sender == pb.SENDER_KIND_AGENT
        if self.first_response is None and self.waiting_since is not None:
            self.first_response = at - self.waiting_since

    def row(self, zone: ZoneInfo, names: ExportNames) -> tuple[Cell, ...]:
        c = self.conversation
        price = c.listing.price_minor / 100 if c.listing.has_price else None
        minutes = (round(self.first_response.total_seconds() / 60, 1)
                   if self.first_response is not None else None)
        return (c.id, names.account(c.channel_id), _buyer(c), c.listing.title, price,
                c.listing.url, STATUSES.get(c.status, ""), MODES.get(c.mode, ""),
                names.person(c.assignee_user_id),
                _wall(self.first, zone), _wall(self.last, zone), self.inbound, self.outbound,
                self.ai, minutes)


def _wall(at: datetime | None, zone: ZoneInfo) -> datetime | None:
    if at is None:
        return None
    return at.astimezone(zone).replace(tzinfo=None)
