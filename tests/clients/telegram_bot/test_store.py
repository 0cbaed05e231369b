"""The store's claims, on the session's PostgreSQL as the runtime role: a claim held is busy
to others, a finished one is done, one whose holder stopped renewing it is taken over with
what was already posted, and the old holder can no longer write."""

from __future__ import annotations

import asyncio
import uuid

from clients.telegram_bot.store import Claim, Scope, Store


async def test_a_post_claim_is_busy_then_taken_over_when_stale_then_done(
        store: Store, tenant_a: uuid.UUID) -> None:
    scope = Scope(tenant_a, "bot", -100123)
    first = await store.claim_post(scope, "m1", "c1", lease_s=30)
    assert first.claim is Claim.MINE and first.telegram_message_ids == []
    assert await store.post_part(scope, first, 11)
    assert (await store.claim_post(scope, "m1", "c1", lease_s=30)).claim is Claim.BUSY

    await asyncio.sleep(0.2)  # the holder stops renewing: older than a lease of 0.1 s
    taken = await store.claim_post(scope, "m1", "c1", lease_s=0.1)
    assert taken.claim is Claim.MINE and taken.telegram_message_ids == [11]  # continues there
    assert not await store.post_part(scope, first, 12) and not await store.renew_post(scope, first)
    assert await store.post_part(scope, taken, 12) and await store.post_done(scope, taken)
    done = await store.claim_post(scope, "m1", "c1", lease_s=0.0)
    assert done.claim is Claim.DONE and done.telegram_message_ids == [11, 12]
    assert await store.posted(scope, "m1") == [11, 12]


async def test_a_topic_claim_is_taken_over_only_before_its_card_is_posted(
        store: Store, tenant_a: uuid.UUID) -> None:
    scope = Scope(tenant_a, "bot", -100456)
    first = await store.claim_topic(scope, "c1", lease_s=30)
    assert first.claim is Claim.MINE and await store.topic_created(scope, first, 7, "Иван")
    assert (await store.claim_topic(scope, "c1", lease_s=30)).claim is Claim.BUSY
    await asyncio.sleep(0.2)
    taken = await store.claim_topic(scope, "c1", lease_s=0.1)
    assert taken.claim is Claim.MINE and taken.thread_id == 7  # the topic exists: no second one
    assert not await store.card_posted(scope, first, 8, "sha")
    assert await store.card_posted(scope, taken, 8, "sha")
    await asyncio.sleep(0.2)
    ready = await store.claim_topic(scope, "c1", lease_s=0.1)
    assert ready.claim is Claim.DONE and ready.card_message_id == 8
    await store.forget_topic(scope, "c1", 7)  # deleted in Telegram: the next claim starts anew
    fresh = await store.claim_topic(scope, "c1", lease_s=30)
    assert fresh.claim is Claim.MINE and fresh.thread_id is None
