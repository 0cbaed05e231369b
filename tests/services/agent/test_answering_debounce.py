"""Debounce on the real stack with a hand-moved clock: buyer messages reach the agent through
conversations and NATS; the tests move time and tick the scheduler, never sleep through waits."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering.repository import PendingRepository
from services.kernel.tenancy import tenant_scope
from tests.fixtures.events import eventually
from tests.fixtures.settled import drained, relayed
from tests.services.agent import answering_stack as fixtures
from tests.services.agent.answering_stack import Stack

# The module's private stack (see answering_stack.py).
stack, stack_db_url, stack_nats_url, emulator_reset = (
    fixtures.stack, fixtures.stack_db_url, fixtures.stack_nats_url, fixtures.emulator_reset)

def chat() -> str:
    return f"u2i-{uuid.uuid4().hex[:10]}"


async def test_burst_of_three_gets_one_reply_after_the_silence(
        stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
    await stack.configure(tenant_a, llm=True)
    channel, c = uuid.uuid4(), chat()
    conv = await stack.buyer_writes(tenant_a, channel, c, "Здравствуйте!", revision=1)
    assert (await stack.conversations.get_conversation(tenant_a, conv.id)).mode == \
        conv_pb.CONVERSATION_MODE_BOT  # a new conversation is the agent's
    stack.clock.advance(5)
    await stack.buyer_writes(tenant_a, channel, c, "Диван ещё продаётся?", revision=2)
    stack.clock.advance(5)
    await stack.buyer_writes(tenant_a, channel, c, "И можно ли доставку?", revision=3)
    stack.clock.advance(19)
    assert await stack.agent.scheduler.tick() == 0  # 19 s of silence: still waiting
    stack.clock.advance(1)
    assert await stack.agent.scheduler.tick() == 1
    replies = await stack.messages(tenant_a, conv.id)
    assert len(replies) == 1 and replies[0].text.startswith("Sandbox model")
    assert await stack.pending(tenant_a, uuid.UUID(conv.id)) is None
    requests = await stack.chat_requests()
    assert len(requests) == 1
    user_turns = [m["content"] for m in requests[0]["messages"] if m["role"] == "user"]
    assert user_turns[-3:] == ["Здравствуйте!", "Диван ещё продаётся?", "И можно ли доставку?"]
    stack.clock.advance(60)
    assert await stack.agent.scheduler.tick() == 0


async def test_max_wait_is_honoured_while_the_buyer_keeps_writing(
        stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
    await stack.configure(tenant_a, llm=True, silence_window_s=20, max_wait_s=30)
    channel, c = uuid.uuid4(), chat()
    conv = await stack.buyer_writes(tenant_a, channel, c, "Первое", revision=1)
    for n, text in enumerate(["Второе", "Третье"], start=2):
        stack.clock.advance(14)
        await stack.buyer_writes(tenant_a, channel, c, text, revision=n)
    row = await stack.pending(tenant_a, uuid.UUID(conv.id))
    assert row is not None and (row.due_at - row.first_unanswered_at).total_seconds() == 30
    stack.clock.advance(1)  # t = 29: the buyer is still typing, but the wait ends at 30
    assert await stack.agent.scheduler.tick() == 0
    stack.clock.advance(1)
    assert await stack.agent.scheduler.tick() == 1
    assert len(await stack.messages(tenant_a, conv.id)) == 1


async def test_a_human_reply_cancels_the_wait_and_takes_over(
        stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
    await stack.configure(tenant_a, llm=True)
    channel, c = uuid.uuid4(), chat()
    conv = await stack.buyer_writes(tenant_a, channel, c, "Когда сможете отправить?", revision=1)
    await stack.conversations.send_message(tenant_a, conv.id, "Сегодня вечером",
                                           sender=conv_pb.SENDER_KIND_USER)

    async def taken_over() -> bool:
        current = await stack.conversations.get_conversation(tenant_a, conv.id)
        return current.mode == conv_pb.CONVERSATION_MODE_MANAGER and \
            await stack.pending(tenant_a, uuid.UUID(conv.id)) is None
    await eventually(taken_over)
    stack.clock.advance(60)
    assert await stack.agent.scheduler.tick() == 0
    assert await stack.messages(tenant_a, conv.id) == []
    # The buyer writes again: the conversation is the managers' now, the agent stays quiet.
    await stack.buyer_writes(tenant_a, channel, c, "Спасибо!")

    async def stored() -> bool:
        listed = await stack.messages(tenant_a, conv.id, sender=conv_pb.SENDER_KIND_CONTACT)
        return any(m.text == "Спасибо!" for m in listed)
    await eventually(stored)
    await relayed(stack.db, "conversations", tenant_a)  # message.received is on the bus
    await drained(stack.bus, topics.AGENT_INBOUND)  # and the agent has handled it
    assert await stack.pending(tenant_a, uuid.UUID(conv.id)) is None


async def test_restart_in_the_middle_of_a_wait_loses_nothing(
        stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
    await stack.configure(tenant_a, llm=True)
    channel, c = uuid.uuid4(), chat()
    conv = await stack.buyer_writes(tenant_a, channel, c, "Есть в наличии?", revision=1)
    stack.clock.advance(10)

    async def while_down() -> None:  # the buyer writes while no agent runs: NATS keeps it
        await stack.buyer_writes(tenant_a, channel, c, "Алло?")
    await stack.restart(while_down)
    row = await eventually(lambda: _revision(stack, tenant_a, conv.id, 2))
    assert row.message_ids and len(row.message_ids) == 2
    stack.clock.advance(19)
    assert await stack.agent.scheduler.tick() == 0  # the second message extended the wait
    stack.clock.advance(1)
    assert await stack.agent.scheduler.tick() == 1
    assert await stack.agent.scheduler.tick() == 0
    assert len(await stack.messages(tenant_a, conv.id)) == 1


async def _revision(stack: Stack, tenant: uuid.UUID, conv_id: str, revision: int):  # type: ignore[no-untyped-def]
    row = await stack.pending(tenant, uuid.UUID(conv_id))
    return row if row is not None and row.revision >= revision else None


async def test_two_replicas_never_reply_twice(stack: Stack, emulator_reset: None,
                                              tenant_a: uuid.UUID) -> None:
    await stack.configure(tenant_a, llm=True)
    other = await stack.replica()
    channel = uuid.uuid4()
    convs = [await stack.buyer_writes(tenant_a, channel, chat(), f"Вопрос {n}", revision=1)
             for n in range(6)]
    stack.clock.advance(20)
    leased = await asyncio.gather(*(rt.scheduler.tick() for rt in [stack.agent, other] * 3))
    assert sum(leased) == 6
    for conv in convs:
        assert len(await stack.messages(tenant_a, conv.id)) == 1


async def test_a_repeated_run_of_one_claim_sends_once(stack: Stack, emulator_reset: None,
                                                      tenant_a: uuid.UUID) -> None:
    """A lease that ran out while a slow run was still going: both runs finish, one reply."""
    await stack.configure(tenant_a, llm=True)
    conv = await stack.buyer_writes(tenant_a, uuid.uuid4(), chat(), "Цена окончательная?",
                                    revision=1)
    stack.clock.advance(20)
    async with stack.db.unscoped_unit_of_work() as session:
        [claim] = [c for c in await PendingRepository(session).claim_due(
            stack.clock.now(), timedelta(minutes=3), 100) if c.tenant_id == tenant_a]
    responder = stack.agent.scheduler.responder
    with tenant_scope(tenant_a):
        outcomes = await asyncio.gather(responder.respond(claim), responder.respond(claim))
    assert "reply" in outcomes
    assert len(await stack.messages(tenant_a, conv.id)) == 1
    audit = await stack.client.list_audit(tenant_a, conversation_id=conv.id)
    assert len(audit.entries) == 1



async def test_the_scheduler_sleeps_until_the_wait_ends_and_wakes_on_a_new_one(
        stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
    """No half-second polling past the silence: the idle scheduler sleeps until the earliest
    wait ends, and a buyer message noted in this process wakes it to look again."""
    await stack.configure(tenant_a, llm=True)
    schedulers = [rt.scheduler for rt in (stack.agent, *stack.extra)]  # replicas share the work
    for s in schedulers:
        s.wakeup.clear()
    await stack.buyer_writes(tenant_a, uuid.uuid4(), chat(), "Ещё в наличии?", revision=1)
    assert any(s.wakeup.is_set() for s in schedulers)  # whichever replica noted the message
    scheduler = stack.agent.scheduler
    stack.clock.advance(19.75)  # the 20 s silence ends in a quarter of a second
    assert await scheduler.until_next_due() <= 0.25 < scheduler.config.agent_scheduler_poll_s
    stack.clock.advance(0.25)
    assert await scheduler.until_next_due() == 0
    await scheduler.tick()
