"""Outbound: sending a message through the channel exactly once, and marking chats read.

A send is tracked by its `outbound_sends` row (one per conversations message id):
  UoW 1  lock the row; SENT/FAILED -> done; else mark SENDING, attempts + 1, commit
  HTTP   outside any transaction; a row found SENDING means an earlier attempt may have got
         through before it died, so the chat's recent messages are checked first
  UoW 2  mark SENT (or FAILED) and write MessageDelivery to the outbox
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.channels import events
from services.channels.avito.client import AvitoClient
from services.channels.avito.errors import (
    AvitoAuthError,
    AvitoError,
    AvitoPaymentRequired,
    AvitoUnavailable,
)
from services.channels.avito.pool import AvitoClients
from services.channels.avito.text import split_text
from services.channels.models import AccountStatus, ChannelAccount, OutboundSend, SendStatus
from services.channels.repository import ChannelsUnit, Transactions
from services.kernel.tenancy import require_tenant

log = logging.getLogger(__name__)

# Avito's clock and ours may differ a little: look this far before the interrupted attempt.
CLOCK_SKEW_S = 5.0


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


@dataclass(frozen=True)
class _Attempt:
    account: ChannelAccount
    parts: list[str]
    # Set when an earlier attempt was interrupted after it started sending.
    interrupted_at: datetime | None


class OutboundSender:
    def __init__(self, tx: Transactions, clients: AvitoClients, max_deliveries: int) -> None:
        self._tx, self._clients, self._max_deliveries = tx, clients, max_deliveries

    async def send(self, cmd: SendCommand, delivery: int) -> None:
        """Handle delivery number `delivery` (1-based) of a send command, idempotently."""
        attempt = await self._begin(cmd)
        if attempt is None:
            return
        try:
            external_id = await self._deliver(cmd, attempt)
        except AvitoUnavailable as exc:
            if delivery < self._max_deliveries:
                raise SendDeferred(exc.message, exc.retry_after_s) from exc
            await self._finish(cmd, failure=f"Avito was unavailable on all {delivery} "
                                            f"attempts: {exc.message}")
        except AvitoError as exc:
            await self._finish(cmd, failure=failure_reason(exc))
        else:
            await self._finish(cmd, external_id=external_id)

    async def _begin(self, cmd: SendCommand) -> _Attempt | None:
        now = datetime.now(UTC)
        async with self._tx() as unit:
            account = await unit.accounts.get(cmd.channel_id)
            if account is None:  # no row can point at it: report the failure directly
                _emit_delivery(unit, cmd, None, "the channel does not exist")
                return None
            row = await unit.sends.lock(
                message_id=cmd.message_id, conversation_id=cmd.conversation_id,
                channel_id=cmd.channel_id, external_chat_id=cmd.external_chat_id)
            if row.status in (SendStatus.SENT, SendStatus.FAILED):
                return None  # done earlier; its delivery event went out then
            parts = split_text(cmd.text)
            problem = _refusal(account, cmd, parts)
            if problem:
                await unit.sends.save(row, now, status=SendStatus.FAILED, last_error=problem)
                _emit_delivery(unit, cmd, row, problem)
                return None
            interrupted_at = row.updated_at if row.status == SendStatus.SENDING else None
            await unit.sends.save(row, now, status=SendStatus.SENDING, attempts=row.attempts + 1)
        return _Attempt(account, parts, interrupted_at)

    async def _deliver(self, cmd: SendCommand, attempt: _Attempt) -> str:
        """Send the parts not already on Avito; returns the id of the last part."""
        account = attempt.account
        client = self._clients.for_account(account)
        sent: list[str] = []
        if attempt.interrupted_at is not None:
            sent = await _already_sent(client, account, cmd.external_chat_id, attempt.parts,
                                       attempt.interrupted_at)
            if sent:
                log.info("earlier send attempt had reached Avito", extra={
                    "message_id": str(cmd.message_id), "parts_found": len(sent)})
        for part in attempt.parts[len(sent):]:
            result = await client.send_text(account.external_account_id, cmd.external_chat_id,
                                            part)
            sent.append(str(result.get("id") or ""))
        return sent[-1]

    async def _finish(self, cmd: SendCommand, *, external_id: str = "",
                      failure: str = "") -> None:
        now = datetime.now(UTC)
        async with self._tx() as unit:
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

    def __init__(self, tx: Transactions, clients: AvitoClients) -> None:
        self._tx, self._clients = tx, clients

    async def mark_read(self, channel_id: uuid.UUID, chat_id: str) -> None:
        async with self._tx() as unit:
            account = await unit.accounts.get(channel_id)
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


def failure_reason(exc: AvitoError) -> str:
    """A reason a seller can act on, shown next to the failed message."""
    if isinstance(exc, AvitoAuthError):
        return ("Avito refused the channel's credentials; reconnect the account "
                f"({exc.message})")
    if isinstance(exc, AvitoPaymentRequired):
        return "the Avito account's tariff does not include the Messenger API"
    return f"Avito rejected the message ({exc.status}): {exc.message}"


def _refusal(account: ChannelAccount, cmd: SendCommand, parts: list[str]) -> str:
    if account.status != AccountStatus.ACTIVE:
        return "the channel is disconnected"
    if not cmd.external_chat_id:
        return "the conversation has no Avito chat to send to"
    if not parts:
        return "the message has no text"
    return ""


async def _already_sent(client: AvitoClient, account: ChannelAccount, chat_id: str,
                        parts: list[str], interrupted_at: datetime) -> list[str]:
    """Ids of the leading parts an interrupted attempt got through: outgoing messages with
    the same texts, in order, created since that attempt began."""
    since = interrupted_at.timestamp() - CLOCK_SKEW_S
    newest_first = await client.list_messages(account.external_account_id, chat_id, limit=100)
    ours = [m for m in reversed(newest_first)
            if str(m.get("author_id")) == account.external_account_id
            and _number(m.get("created")) >= since]
    found: list[str] = []
    position = 0
    for part in parts:
        while position < len(ours) and _text_of(ours[position]) != part:
            position += 1
        if position == len(ours):
            break
        found.append(str(ours[position].get("id") or ""))
        position += 1
    return found


def _text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    return str(content.get("text") or "") if isinstance(content, dict) else ""


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _emit_delivery(unit: ChannelsUnit, cmd: SendCommand, row: OutboundSend | None,
                   failure: str) -> None:
    unit.emit(events.delivery_subject(require_tenant()), events.message_delivery(
        message_id=cmd.message_id, conversation_id=cmd.conversation_id,
        channel_id=cmd.channel_id, send=row, failure_reason=failure),
        event_id=events.delivery_event_id(cmd.message_id))
