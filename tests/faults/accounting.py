"""After a scenario: every message of its load accounted for, from the database (as the owner:
no RLS in the way) and from the emulator's records, and one summary line."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from services.conversations.models import Direction, MessageStatus, Sender
from tests.faults.load import Load
from tests.faults.stack import FaultStack

NOTE = "note"


@dataclass
class Tally:
    fault: str
    offered: int = 0
    by_webhook: int = 0  # the gateway answered the emulator's delivery 2xx
    stored: int = 0  # stored exactly once
    duplicated: int = 0
    lost: int = 0
    replies: int = 0  # accepted by the API (201)
    sent: int = 0
    failed: int = 0  # failed with a reason the API shows
    reply_duplicated: int = 0  # sent to Avito more often than we hold it, or an echo kept twice
    reply_lost: int = 0
    agent_replies: int = 0
    agent_doubled: int = 0
    unlisted: int = 0  # a conversation about a listing without its details
    refused: int = 0  # replies the API refused (4xx) although they were valid
    recovery_s: float | None = None
    # From the heal until every message written before it was stored: catching up.
    caught_up_s: float | None = None
    drain_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        recovery = "-" if self.recovery_s is None else f"{self.recovery_s:.1f}s"
        caught_up = "-" if self.caught_up_s is None else f"{self.caught_up_s:.1f}s"
        return (f"[fault] {self.fault:<22} inbound offered={self.offered} "
                f"via-webhook={self.by_webhook} stored={self.stored} "
                f"duplicated={self.duplicated} lost={self.lost} | replies accepted={self.replies} "
                f"sent={self.sent} failed={self.failed} duplicated={self.reply_duplicated} "
                f"lost={self.reply_lost} | agent replies={self.agent_replies} "
                f"doubled={self.agent_doubled} | unlisted={self.unlisted} | "
                f"recovery={recovery} caught-up={caught_up} drain={self.drain_s:.1f}s")

    @property
    def clean(self) -> bool:
        return not (self.duplicated or self.lost or self.reply_duplicated or self.reply_lost
                    or self.agent_doubled or self.unlisted or self.refused)


async def account(stack: FaultStack, load: Load, fault: str, healed_at: float,
                  drain_s: float) -> Tally:
    tally = Tally(fault, drain_s=drain_s, refused=len(load.refused))
    tally.problems += [f"reply refused: {r}" for r in load.refused]
    first_in = await _inbound(stack, load, tally, healed_at)
    first_out = await _outbound(stack, load, tally, healed_at)
    if first_in is not None and first_out is not None:
        tally.recovery_s = max(first_in, first_out, healed_at) - healed_at
    return tally


async def stored_inbound(stack: FaultStack, load: Load) -> dict[tuple[str, str], Any]:
    """(channel, Avito message id) -> how often it is stored and when first, for the load's
    offered messages that are stored at all."""
    assert stack.owner is not None
    rows = await stack.owner.fetch(
        "SELECT c.channel_id::text AS channel, m.external_message_id AS id, count(*) AS n, "
        "extract(epoch FROM min(m.created_at)) AS at "
        "FROM conversations.messages m JOIN conversations.conversations c "
        "ON c.id = m.conversation_id WHERE m.external_message_id = ANY($1::text[]) "
        "AND m.direction = $2 GROUP BY 1, 2",
        [o.message_id for o in load.offered], int(Direction.INBOUND))
    return {(r["channel"], r["id"]): r for r in rows}


async def _inbound(stack: FaultStack, load: Load, tally: Tally, healed_at: float) -> float | None:
    """Each offered message stored once; returns when the first one written after the heal
    was stored (wall clock)."""
    tally.offered = len(load.offered)
    found = await stored_inbound(stack, load)
    delivered = {d["message_id"] for d in await stack.deliveries()
                 if d["state"] == "delivered" and not d["duplicate"]}
    first: float | None = None
    last_before: float | None = None  # the last message written before the heal, stored
    for o in load.offered:
        row = found.get((o.shop.channel_id, o.message_id))
        tally.by_webhook += o.message_id in delivered
        if row is None:
            tally.lost += 1
            tally.problems.append(f"lost inbound {o.message_id} in chat {o.chat_id} "
                                  f"({o.shop.name} of tenant {o.shop.tenant.tenant_id})")
            continue
        tally.stored += row["n"] == 1
        if row["n"] > 1:
            tally.duplicated += row["n"] - 1
            tally.problems.append(f"inbound {o.message_id} stored {row['n']} times")
        if o.at >= healed_at:
            first = float(row["at"]) if first is None else min(first, float(row["at"]))
        else:
            last_before = max(last_before or 0.0, float(row["at"]))
    if last_before is not None and not tally.lost:
        tally.caught_up_s = max(0.0, last_before - healed_at)
    return first


async def _outbound(stack: FaultStack, load: Load, tally: Tally, healed_at: float) -> float | None:
    """Accepted replies sent once (or failed with a reason), agent replies never twice, the
    emulator holding exactly what we hold as sent; returns when the first outbound message
    was sent after the heal (wall clock)."""
    chats = {(o.shop.channel_id, o.chat_id): o.shop for o in load.offered}
    timelines = await _timelines(stack, chats)
    shops = {shop.channel_id: shop for shop in chats.values()}
    avito_sent = {channel_id: await stack.sent(shop) for channel_id, shop in shops.items()}
    first: float | None = None
    for (channel_id, chat_id), shop in chats.items():
        timeline = timelines.get((channel_id, chat_id), {"messages": [], "conversation": None})
        conversation = timeline["conversation"]
        if conversation and conversation["listing_external_id"] and \
                not conversation["listing_title"]:
            tally.unlisted += 1
            tally.problems.append(f"conversation of chat {chat_id} has no listing details")
        messages = timeline["messages"]
        _agent(messages, shop.agent, chat_id, tally)
        avito = Counter(s["text"] for s in avito_sent[channel_id] if s["chat_id"] == chat_id)
        ours = Counter(m["text"] for m in messages if _outbound_reply(m)
                       and m["status"] == MessageStatus.SENT)
        for text, extra in (avito - ours).items():
            tally.reply_duplicated += extra
            tally.problems.append(f"{text!r} sent to Avito {avito[text]} times in chat {chat_id}, "
                                  f"{ours[text]} sent message(s) here")
        for text, missing in (ours - avito).items():
            tally.reply_lost += missing
            tally.problems.append(f"{text!r} is sent here but not on Avito (chat {chat_id})")
        for m in messages:
            if m["direction"] == Direction.OUTBOUND and m["sender"] == Sender.CHANNEL_APP:
                tally.reply_duplicated += 1
                tally.problems.append(f"echo of {m['text']!r} stored as a message of its own")
            if _outbound_reply(m) and m["status"] == MessageStatus.SENT and m["at"] >= healed_at:
                first = m["at"] if first is None else min(first, m["at"])
    await _replies(stack, load, tally)
    return first


async def _replies(stack: FaultStack, load: Load, tally: Tally) -> None:
    assert stack.owner is not None
    tally.replies = len(load.replies)
    rows = {r["id"]: r for r in await stack.owner.fetch(
        "SELECT id::text AS id, status, failure_reason FROM conversations.messages "
        "WHERE id = ANY($1::uuid[])", [r.message_id for r in load.replies])}
    for reply in load.replies:
        row = rows.get(reply.message_id)
        if row is not None and row["status"] == MessageStatus.SENT:
            tally.sent += 1
        elif row is not None and row["status"] == MessageStatus.FAILED and row["failure_reason"]:
            tally.failed += 1
        else:
            tally.reply_lost += 1
            state = "missing" if row is None else f"status {row['status']}"
            tally.problems.append(f"accepted reply {reply.text!r} is {state} after the drain")


def _agent(messages: list[dict[str, Any]], agent_shop: bool, chat_id: str, tally: Tally) -> None:
    """Every agent reply answers a buyer message stored after the previous agent reply."""
    previous = None
    for m in messages:
        if m["content_type"] == NOTE:
            continue
        if m["sender"] == Sender.AGENT:
            tally.agent_replies += 1
            if m["status"] not in (MessageStatus.SENT, MessageStatus.FAILED):
                tally.reply_lost += 1
                tally.problems.append(f"agent reply {m['text']!r} still pending after the drain")
            if previous == Sender.AGENT:
                tally.agent_doubled += 1
                tally.problems.append(f"the agent answered twice in a row in chat {chat_id}")
        previous = m["sender"]
    if not agent_shop and any(m["sender"] == Sender.AGENT for m in messages):
        tally.problems.append(f"the agent answered in chat {chat_id} of a shop without it")
        tally.agent_doubled += 1


def _outbound_reply(m: dict[str, Any]) -> bool:
    return m["direction"] == Direction.OUTBOUND and m["content_type"] != NOTE \
        and m["sender"] in (Sender.USER, Sender.AGENT)


async def _timelines(stack: FaultStack, chats: dict[tuple[str, str], Any]) -> dict[Any, Any]:
    """Per (channel, chat): its conversation's listing and its messages in storing order."""
    assert stack.owner is not None
    rows = await stack.owner.fetch(
        "SELECT c.channel_id::text AS channel, c.external_chat_id AS chat, c.listing_external_id, "
        "c.listing_title, m.direction, m.sender, m.text, m.status, m.content_type, "
        "extract(epoch FROM m.updated_at)::float8 AS at "
        "FROM conversations.conversations c LEFT JOIN conversations.messages m "
        "ON m.conversation_id = c.id WHERE c.external_chat_id = ANY($1::text[]) "
        "AND c.channel_id = ANY($2::uuid[]) ORDER BY m.created_at, m.id",
        [chat for _, chat in chats], list({channel for channel, _ in chats}))
    out: dict[Any, Any] = defaultdict(lambda: {"messages": [], "conversation": None})
    for r in rows:
        entry = out[(r["channel"], r["chat"])]
        entry["conversation"] = {"listing_external_id": r["listing_external_id"],
                                 "listing_title": r["listing_title"]}
        if r["direction"] is not None:
            entry["messages"].append(dict(r))
    return out
