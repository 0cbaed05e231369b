"""The gateway's live feed across tenants: resuming after any event id — another tenant's
included — yields only the caller's own events. JetStream filters on the tenant's subjects, so
the other tenant's events never reach the gateway for this client at all."""

from __future__ import annotations

import uuid

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as ev
from gateway.conversations.feed import ReplayLimits, TenantFeed
from services.kernel.bus import Bus


async def _publish(bus: Bus, tenant: uuid.UUID, label: str) -> int:
    payload = ev.NoteAdded(conversation=pb.Conversation(id=label),
                           message=pb.Message(id=label, text=f"secret of {tenant}"))
    ack = await bus.publish(topics.NOTE_ADDED.subject(tenant), payload.SerializeToString(),
                            msg_id=f"isolation-{uuid.uuid4()}")
    return int(ack.seq)


async def test_resuming_after_another_tenants_event_never_yields_it(
        bus: Bus, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    before = await _publish(bus, tenant_b, "theirs before")
    theirs = await _publish(bus, tenant_b, "theirs")
    mine_so_far: list[str] = []
    for after in (before, theirs):  # right before their event, and their event's own id
        feed = TenantFeed(bus, tenant_a, ReplayLimits(window_s=3600, max_events=1000))
        try:
            start = await feed.open(str(after))
            assert not start.reset  # a valid position: resumed, yet nothing of theirs follows
            await _publish(bus, tenant_b, "theirs after")
            mine_so_far.append(f"mine {after}")
            mine = await _publish(bus, tenant_a, mine_so_far[-1])
            seen = []
            async for event in feed.events():  # until our own marker: everything before it was read
                seen.append(event)
                if event.event_id == str(mine):
                    break
            assert [e.conversation.id for e in seen] == mine_so_far
            assert all(str(tenant_b) not in (e.message.text if e.message else "") for e in seen)
        finally:
            await feed.close()
