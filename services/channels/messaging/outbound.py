"""Outbound: sending a message through the channel exactly once, and marking chats read.

A send is tracked by its `outbound_sends` row (one per conversations message id):
  UoW 1  lock the row; SENT/FAILED -> done; else mark SENDING, attempts + 1, commit
  HTTP   outside any transaction, part by part (`parts.py`: text parts, then images); a row
         found SENDING means an earlier attempt may have got through before it died, so the
         chat's recent messages are checked first and only the missing parts go out
  UoW 2  mark SENT (or FAILED) and write MessageDelivery to the outbox
An Avito row found SENDING by an attempt that ended unrecorded (it died, or could not write
its outcome: PostgreSQL down) or unsure (a send timed out) is left alone for that attempt's
lease (`send_lease_s`): until then the attempt may still be running (another replica, or a
redelivery after ack_wait), or a request of it may still reach Avito, and the chat would not
show it yet. Checked any sooner, the part would go out twice (docs/reliability.md, "Sending to
Avito"). An attempt Avito answered (5xx, 429) records so (`last_error`), and the next one
need not wait.
The account's kind picks the channel: Avito here and in `parts.py`; Telegram in
`telegram/sending.py`, which records each part as it goes (its chats cannot be read back).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from clients.rpc import topics
from services.channels import events
from services.channels.avito.errors import (
    AvitoAuthError,
    AvitoError,
    AvitoPaymentRequired,
    AvitoUnavailable,
)
from services.channels.avito.pool import AvitoClients
from services.channels.messaging.media import MediaFetcher, MediaGone
from services.channels.messaging.parts import Part, build_parts, find_sent, send_part
from services.channels.models import (
    AccountStatus,
    ChannelAccount,
    ChannelKind,
    OutboundSend,
    SendStatus,
)
from services.channels.repository import ChannelsUnit
from services.channels.telegram import sending as telegram
from services.channels.telegram.channel import TelegramChannels
from services.channels.telegram.errors import TelegramError, TelegramUnavailable
from services.kernel.unit import Units

log = logging.getLogger(__name__)


class SendDeferred(Exception):
    """Transient: the channel could not be reached; the caller should retry later."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.retry_after_s = reason, retry_after_s


@dataclass(frozen=True)
class SendCommand:
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    channel_id: uuid.UUID
    external_chat_id: str
    text: str
    media_ids: tuple[str, ...] = ()  # images sent after the text, in order


@dataclass(frozen=True)
class _Attempt:
    account: ChannelAccount
    parts: list[Part]
    # Set when an earlier attempt was interrupted after it started sending.
    interrupted_at: datetime | None
    parts_sent: int = 0  # Telegram: parts recorded as sent by earlier attempts


class OutboundSender:
    def __init__(self, units: Units[ChannelsUnit], clients: AvitoClients, max_deliveries: int,
                 media: MediaFetcher, telegram_channels: TelegramChannels,
                 call_budget_s: float) -> None:
        self._units, self._clients, self._max_deliveries = units, clients, max_deliveries
        self._media, self._telegram = media, telegram_channels
        self._call_budget_s = call_budget_s  # the longest one Avito call may take

    async def send(self, cmd: SendCommand, delivery: int) -> None:
        """Handle delivery number `delivery` (1-based) of a send command, idempotently."""
        attempt = await self._begin(cmd)
        if attempt is None:
            return
        try:
            if attempt.account.kind == ChannelKind.TELEGRAM:
                external_id = await self._deliver_telegram(cmd, attempt)
            else:
                external_id = await self._deliver(cmd, attempt)
        except (AvitoUnavailable, TelegramUnavailable) as exc:
            if isinstance(exc, AvitoUnavailable) and exc.status is not None:
                await self._answered(cmd, exc.message)
            await self._finish(cmd, failure=deferred(exc, delivery, self._max_deliveries))
        except AvitoError as exc:
            await self._finish(cmd, failure=failure_reason(exc))
        except TelegramError as exc:
            await self._finish(cmd, failure=telegram.failure_reason(exc))
        except MediaGone as exc:
            await self._finish(cmd, failure=exc.reason)
        else:
            await self._finish(cmd, external_id=external_id)

    async def _begin(self, cmd: SendCommand) -> _Attempt | None:
        now = datetime.now(UTC)
        async with self._units() as unit:
            account = await unit.accounts.get(cmd.channel_id)
            if account is None:  # no row can point at it: report the failure directly
                _emit_delivery(unit, cmd, None, "the channel does not exist")
                return None
            row = await unit.sends.lock(
                message_id=cmd.message_id, conversation_id=cmd.conversation_id,
                channel_id=cmd.channel_id, external_chat_id=cmd.external_chat_id)
            if row.status in (SendStatus.SENT, SendStatus.FAILED):
                return None  # done earlier; its delivery event went out then
            parts = telegram.build_parts(cmd.text, cmd.media_ids) \
                if account.kind == ChannelKind.TELEGRAM else build_parts(cmd.text, cmd.media_ids)
            if row.status == SendStatus.SENDING and account.kind == ChannelKind.AVITO \
                    and not row.last_error:
                leased_until = row.updated_at + timedelta(seconds=send_lease_s(
                    parts, self._call_budget_s))
                if leased_until > now:
                    raise SendDeferred("an earlier attempt may still be reaching Avito",
                                       (leased_until - now).total_seconds())
            problem = _refusal(account, cmd, parts)
            if problem:
                await unit.sends.save(row, now, status=SendStatus.FAILED, last_error=problem)
                _emit_delivery(unit, cmd, row, problem)
                return None
            # Since the first attempt began (the row's creation): parts of every earlier attempt
            # are found, not only of the last one.
            interrupted_at = row.created_at if row.status == SendStatus.SENDING else None
            await unit.sends.save(row, now, status=SendStatus.SENDING, attempts=row.attempts + 1,
                                  last_error="")
        return _Attempt(account, parts, interrupted_at, row.parts_sent)

    async def _deliver(self, cmd: SendCommand, attempt: _Attempt) -> str:
        """Send the parts not already on Avito; returns the id of the last part."""
        account = attempt.account
        client = self._clients.for_account(account)
        sent: list[str] = []
        if attempt.interrupted_at is not None:
            sent = await find_sent(client, account, cmd.external_chat_id, attempt.parts,
                                   attempt.interrupted_at.timestamp())
            if sent:
                log.info("earlier send attempt had reached Avito", extra={
                    "message_id": str(cmd.message_id), "parts_found": len(sent)})
        for part in attempt.parts[len(sent):]:
            sent.append(await send_part(client, account, cmd.external_chat_id, part,
                                        self._media))
        return sent[-1]

    async def _deliver_telegram(self, cmd: SendCommand, attempt: _Attempt) -> str:
        """The parts no earlier attempt recorded, each recorded as Telegram takes it."""
        async def progress(parts_sent: int, external_id: str) -> None:
            async with self._units() as unit:
                row = await unit.sends.lock(
                    message_id=cmd.message_id, conversation_id=cmd.conversation_id,
                    channel_id=cmd.channel_id, external_chat_id=cmd.external_chat_id)
                await unit.sends.save(row, datetime.now(UTC), parts_sent=parts_sent,
                                      external_message_id=external_id)

        if attempt.interrupted_at is not None:
            log.info("resuming an interrupted Telegram send", extra={
                "message_id": str(cmd.message_id), "parts_sent": attempt.parts_sent})
        async def pace(chat_id: int) -> None:
            await self._telegram.pacing.wait(attempt.account.external_account_id, chat_id)

        last = await telegram.send_parts(
            self._telegram.api, self._telegram.token(attempt.account), cmd.external_chat_id,
            attempt.parts, attempt.parts_sent, self._media, progress, pace)
        if last:
            return last
        async with self._units() as unit:  # every part went out on earlier attempts
            row = await unit.sends.get_by_message(cmd.message_id)
        return (row.external_message_id or "") if row is not None else ""

    async def _answered(self, cmd: SendCommand, reason: str) -> None:
        """This attempt ends with Avito's answer (5xx, 429), no request of it in doubt: the
        next one need not wait out its lease. The row's time stays the attempt's start."""
        async with self._units() as unit:
            row = await unit.sends.lock(
                message_id=cmd.message_id, conversation_id=cmd.conversation_id,
                channel_id=cmd.channel_id, external_chat_id=cmd.external_chat_id)
            if row.status == SendStatus.SENDING:
                await unit.sends.save(row, row.updated_at, last_error=reason)

    async def _finish(self, cmd: SendCommand, *, external_id: str = "",
                      failure: str = "") -> None:
        now = datetime.now(UTC)
        async with self._units() as unit:
            row = await unit.sends.lock(
                message_id=cmd.message_id, conversation_id=cmd.conversation_id,
                channel_id=cmd.channel_id, external_chat_id=cmd.external_chat_id)
            if row.status in (SendStatus.SENT, SendStatus.FAILED):
                return
            if failure:
                await unit.sends.save(row, now, status=SendStatus.FAILED, last_error=failure)
            else:
                await unit.sends.save(row, now, status=SendStatus.SENT,
                                      external_message_id=external_id, sent_at=now, last_error="")
            _emit_delivery(unit, cmd, row, failure)
        log.info("outbound message finished", extra={
            "message_id": str(cmd.message_id), "outcome": "failed" if failure else "sent",
            "attempts": row.attempts, "reason": failure})


class ReadMarker:
    """Marks a chat read on Avito when the seller read the conversation."""

    def __init__(self, units: Units[ChannelsUnit], clients: AvitoClients) -> None:
        self._units, self._clients = units, clients

    async def mark_read(self, channel_id: uuid.UUID, chat_id: str) -> None:
        async with self._units() as unit:
            account = await unit.accounts.get(channel_id)
        if account is not None and account.kind == ChannelKind.TELEGRAM:
            return  # Telegram has no read marks a bot can set
        if account is None or account.status != AccountStatus.ACTIVE or not chat_id:
            log.info("read mark skipped: no active channel or chat",
                     extra={"channel_id": str(channel_id)})
            return
        try:
            await self._clients.for_account(account).mark_read(account.external_account_id,
                                                               chat_id)
        except AvitoUnavailable as exc:
            raise SendDeferred(exc.message, exc.retry_after_s) from exc
        except AvitoError as exc:  # nothing a retry would change; the inbox is already read
            log.warning("Avito refused to mark a chat read", extra={
                "channel_id": str(channel_id), "status": exc.status, "error": exc.message})


def deferred(exc: AvitoUnavailable | TelegramUnavailable, delivery: int,
             max_deliveries: int) -> str:
    """The channel unavailable on delivery number `delivery` of a command: SendDeferred (the
    bus retries) while deliveries are left, else the failure reason to report."""
    if delivery < max_deliveries:
        raise SendDeferred(exc.message, exc.retry_after_s) from exc
    channel = "Telegram" if isinstance(exc, TelegramUnavailable) else "Avito"
    return f"{channel} was unavailable on all {delivery} attempts: {exc.message}"


def send_lease_s(parts: list[Part], call_budget_s: float) -> float:
    """How long after an attempt began its requests may still reach Avito: each call at its
    longest (every HTTP attempt, the backoff between), one per text part, two per image
    (upload, send), and one for a token refresh before them."""
    calls = 1 + sum(1 if part.kind == "text" else 2 for part in parts)
    return calls * call_budget_s


def failure_reason(exc: AvitoError) -> str:
    """A reason a seller can act on, shown next to the failed message."""
    if isinstance(exc, AvitoAuthError):
        return ("Avito refused the channel's credentials; reconnect the account "
                f"({exc.message})")
    if isinstance(exc, AvitoPaymentRequired):
        return "the Avito account's tariff does not include the Messenger API"
    return f"Avito rejected the message ({exc.status}): {exc.message}"


def _refusal(account: ChannelAccount, cmd: SendCommand, parts: list[Part]) -> str:
    if account.status != AccountStatus.ACTIVE:
        return "the channel is disconnected"
    if account.kind == ChannelKind.TELEGRAM:
        if not cmd.external_chat_id.lstrip("-").isdigit():
            return "the conversation has no Telegram chat to send to"
    elif not cmd.external_chat_id:
        return "the conversation has no Avito chat to send to"
    if not parts:
        return "the message has neither text nor images"
    return ""


def _emit_delivery(unit: ChannelsUnit, cmd: SendCommand, row: OutboundSend | None,
                   failure: str) -> None:
    unit.emit(topics.MESSAGE_DELIVERY, events.message_delivery(
        message_id=cmd.message_id, conversation_id=cmd.conversation_id,
        channel_id=cmd.channel_id, send=row, failure_reason=failure),
        event_id=events.delivery_event_id(cmd.message_id))
