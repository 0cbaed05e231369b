"""Deleting the seller's messages on Avito (channels-deleter), reported back as
message.deletion.

A reply may have gone out as several parts (long texts, images): every part still in the chat
is found by content, in order (`parts.find_sent`), and deleted; the id conversations holds is
deleted too. Avito keeps deleted messages in the chat as type "deleted" and allows it only
within an hour of sending — its refusal becomes the failure reason the seller sees.
On a Telegram channel the message conversations holds (a reply's last part) is deleted with
deleteMessage, which a bot may do within 48 hours; Telegram's refusal is the reason.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from clients.rpc import topics
from services.channels import events
from services.channels.avito.client import AvitoClient
from services.channels.avito.errors import AvitoError, AvitoRejected, AvitoUnavailable
from services.channels.avito.pool import AvitoClients
from services.channels.messaging.outbound import deferred, failure_reason
from services.channels.messaging.parts import build_parts, find_sent
from services.channels.models import AccountStatus, ChannelAccount, ChannelKind, OutboundSend
from services.channels.repository import ChannelsUnit
from services.channels.telegram.channel import TelegramChannels
from services.channels.telegram.errors import TelegramError, TelegramUnavailable
from services.kernel.unit import Units

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeleteCommand:
    message_id: uuid.UUID
    conversation_id: uuid.UUID
    channel_id: uuid.UUID
    external_chat_id: str
    external_message_id: str
    text: str
    media_ids: tuple[str, ...]
    request_id: str  # the request's event id: one outcome per request


class MessageDeleter:
    def __init__(self, units: Units[ChannelsUnit], clients: AvitoClients,
                 max_deliveries: int, telegram_channels: TelegramChannels) -> None:
        self._units, self._clients, self._max_deliveries = units, clients, max_deliveries
        self._telegram = telegram_channels

    async def delete(self, cmd: DeleteCommand, delivery: int) -> None:
        """Handle delivery number `delivery` (1-based) of a delete request."""
        async with self._units() as unit:
            account = await unit.accounts.get(cmd.channel_id)
            send = await unit.sends.get_by_message(cmd.message_id)
        problem = _refusal(account, cmd)
        if problem or account is None:
            await self._report(cmd, problem)
            return
        if account.kind == ChannelKind.TELEGRAM:
            await self._delete_telegram(account, cmd, delivery)
            return
        client = self._clients.for_account(account)
        try:
            for part_id in await self._part_ids(client, account, cmd, send):
                await client.delete_message(account.external_account_id, cmd.external_chat_id,
                                            part_id)
        except AvitoUnavailable as exc:
            await self._report(cmd, deferred(exc, delivery, self._max_deliveries))
        except AvitoError as exc:
            await self._report(cmd, _failure(exc))
        else:
            await self._report(cmd, "")

    async def _delete_telegram(self, account: ChannelAccount, cmd: DeleteCommand,
                               delivery: int) -> None:
        try:
            await self._telegram.api.delete_message(
                self._telegram.token(account), int(cmd.external_chat_id),
                int(cmd.external_message_id))
        except TelegramUnavailable as exc:
            await self._report(cmd, deferred(exc, delivery, self._max_deliveries))
        except TelegramError as exc:
            await self._report(cmd, f"Telegram refused to delete it ({exc.status or 'error'}; a "
                                    f"bot may delete its messages within 48 hours): {exc.message}")
        except ValueError:
            await self._report(cmd, "the message has no Telegram chat or message id")
        else:
            await self._report(cmd, "")

    async def _part_ids(self, client: AvitoClient, account: ChannelAccount, cmd: DeleteCommand,
                        send: OutboundSend | None) -> list[str]:
        """Our own sends: every part found in the chat; anything else: its one id."""
        found: list[str] = []
        if send is not None:
            found = await find_sent(client, account, cmd.external_chat_id,
                                    build_parts(cmd.text, cmd.media_ids),
                                    send.created_at.timestamp())
        return list(dict.fromkeys([*found, cmd.external_message_id]))

    async def _report(self, cmd: DeleteCommand, failure: str) -> None:
        async with self._units() as unit:
            unit.emit(topics.MESSAGE_DELETION,
                      events.message_deletion(cmd.message_id, cmd.conversation_id, failure),
                      event_id=events.deletion_event_id(cmd.message_id, cmd.request_id))
        log.info("message deletion finished", extra={
            "message_id": str(cmd.message_id), "outcome": "failed" if failure else "deleted",
            "reason": failure})


def _refusal(account: ChannelAccount | None, cmd: DeleteCommand) -> str:
    if account is None:
        return "the channel does not exist"
    if account.status != AccountStatus.ACTIVE:
        return "the channel is disconnected"
    if not cmd.external_chat_id or not cmd.external_message_id:
        return "the message never reached Avito"
    return ""


def _failure(exc: AvitoError) -> str:
    if isinstance(exc, AvitoRejected):  # e.g. past Avito's hour
        return f"Avito refused to delete it ({exc.status}): {exc.message}"
    return failure_reason(exc)
