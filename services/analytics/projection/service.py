"""The projection: one event of a conversation applied to its facts and the aggregates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from services.analytics.projection import rules
from services.analytics.projection.metrics import observe
from services.analytics.projection.repository import FactsRepository
from services.analytics.projection.rules import Snapshot
from services.analytics.settings import service as settings
from services.analytics.settings.repository import SettingsRepository


@dataclass(frozen=True)
class MessageSeen:
    message_id: uuid.UUID
    direction: str  # in | out
    sender: str  # buyer | manager | ai | app
    at: datetime


@dataclass(frozen=True)
class ConversationEvent:
    """What one event says about a conversation: its state, maybe a message, maybe a handoff."""

    name: str  # for the metrics: received | sent | updated | handoff
    conversation_id: uuid.UUID
    snapshot: Snapshot
    message: MessageSeen | None = None
    handoff_at: datetime | None = None


async def project(facts: FactsRepository, settings_repo: SettingsRepository,
                  event: ConversationEvent) -> bool:
    """Applies the event; True when any figure moved (False: a redelivery or nothing new)."""
    snap, message = event.snapshot, event.message
    new_message = message is not None and await facts.add_message(
        event.conversation_id, message.message_id, message.direction, message.sender, message.at)
    conv, is_new = await facts.lock_conversation(event.conversation_id, snap.channel_id,
                                                 snap.created_at)
    messages = list(await facts.messages(event.conversation_id))
    before = None
    if not is_new:
        old = [m for m in messages if not (new_message and message
                                           and m.message_id == message.message_id)]
        before = (rules.dims_of(conv), rules.contributions(conv, old))
    rules.apply_snapshot(conv, snap)
    if event.handoff_at is not None and (conv.handed_off_at is None
                                         or event.handoff_at < conv.handed_off_at):
        conv.handed_off_at = event.handoff_at
    hours = (await settings.load(settings_repo)).hours
    rules.derive(conv, messages, hours)
    increments = rules.difference(before, (rules.dims_of(conv),
                                           rules.contributions(conv, messages)))
    await facts.add_figures(increments)
    observe(event.name, bool(increments), message.at if message else snap.updated_at)
    return bool(increments)
