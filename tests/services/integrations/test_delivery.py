"""Outgoing webhooks end to end on the real runtime: an event published on SB_CONVERSATIONS
reaches the subscribed endpoints once, signed, in the REST shape; a receiver that is down gets
everything in order per conversation once back; a redelivered bus message makes no second
delivery; the test event; rotation signs twice."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from clients.rpc import topics
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as cev
from clients.rpc.gen.switchboard.integrations.v1 import webhooks_service_pb2 as pb
from clients.rpc.integrations import IntegrationsClient
from clients.rpc.public.conversations import ConversationOut, MessageOut
from services.integrations.runtime import IntegrationsRuntime
from services.kernel.bus import Delivery
from tests.fixtures.events import eventually
from tests.services.integrations.conftest import (
    Call,
    Publish,
    Receiver,
    conversation,
    message_received,
)


def signed_by(call: Call, secret: str) -> bool:
    expected = "sha256=" + hmac.new(
        secret.encode(), call.headers["x-switchboard-timestamp"].encode() + b"." + call.body,
        hashlib.sha256).hexdigest()
    return expected in call.headers["x-switchboard-signature"].split(",")


async def test_an_event_reaches_subscribed_endpoints_once_signed_in_the_rest_shape(
        client: IntegrationsClient, receiver: Receiver, publish: Publish,
        tenant: uuid.UUID) -> None:
    subscribed = await client.create_endpoint(tenant, url=receiver.url("sub"),
                                              event_types=["message.received"])
    every = await client.create_endpoint(tenant, url=receiver.url("all"))
    await client.create_endpoint(tenant, url=receiver.url("notes"), event_types=["note.added"])
    conv = conversation()
    event = message_received(conv, "Здравствуйте, диван в наличии?")
    event_id = await publish(tenant, event)
    await publish(tenant, cev.ConversationRead(conversation=conv), topics.CONVERSATION_READ)

    await eventually(lambda: _at_least(receiver, "sub", 1), within=15)
    await eventually(lambda: _at_least(receiver, "all", 2), within=15)
    [call] = receiver.of("sub")
    assert signed_by(call, subscribed.secret) and not signed_by(call, every.secret)
    body = call.event
    assert (body["id"], body["type"], body["tenant_id"]) == (event_id, "message.received",
                                                             str(tenant))
    assert body["data"] == {
        "conversation": ConversationOut.from_proto(conv).model_dump(mode="json"),
        "message": MessageOut.from_proto(event.message).model_dump(mode="json")}
    headers = call.headers
    assert (headers["x-switchboard-event-id"], headers["x-switchboard-event-type"]) == (
        event_id, "message.received")
    log = await client.list_deliveries(tenant, endpoint_id=subscribed.endpoint.id)
    [delivery] = log.deliveries
    assert (delivery.id, delivery.status, delivery.attempts, delivery.event_id) == (
        headers["x-switchboard-delivery-id"], pb.DELIVERY_STATUS_DELIVERED, 1, event_id)
    detail = await client.get_delivery(tenant, delivery.id)
    assert detail.payload_json.encode() == call.body
    assert [(a.number, a.response_status) for a in detail.attempts] == [(1, 200)]
    assert detail.attempts[0].response_body == "answer 200"
    assert [c.event["type"] for c in receiver.of("all")] == ["message.received",
                                                             "conversation.read"]
    assert receiver.of("notes") == []  # subscribed to another type: nothing, ever recorded
    assert not (await client.list_deliveries(tenant, endpoint_id=(
        await client.list_endpoints(tenant)).endpoints[2].id)).deliveries


async def test_a_receiver_down_then_back_gets_everything_in_order_per_conversation(
        client: IntegrationsClient, receiver: Receiver, publish: Publish,
        tenant: uuid.UUID) -> None:
    await client.create_endpoint(tenant, url=receiver.url("down"))
    receiver.status["down"] = 503
    first, second = conversation(), conversation()
    sent: dict[str, list[str]] = {first.id: [], second.id: []}
    for n in range(4):
        for conv in (first, second):
            text = f"{conv.id[:4]}-{n}"
            sent[conv.id].append(text)
            await publish(tenant, message_received(conv, text))
    await eventually(lambda: _at_least(receiver, "down", 3), within=15)  # failing, retried
    receiver.status["down"] = 200
    await eventually(lambda: _delivered(receiver, "down", 8), within=30)
    got: dict[str, list[str]] = {first.id: [], second.id: []}
    for call in receiver.delivered("down"):
        got[call.event["data"]["conversation"]["id"]].append(call.event["data"]["message"]["text"])
    assert got == sent  # each once, each conversation in the stream's order

    async def logged() -> bool:  # the last answer is recorded a moment after the receiver saw it
        pending = await client.list_deliveries(tenant, status=pb.DELIVERY_STATUS_PENDING)
        return not pending.deliveries
    await eventually(logged, within=10)


async def test_a_redelivered_bus_message_makes_no_second_delivery(
        client: IntegrationsClient, receiver: Receiver, runtime: IntegrationsRuntime,
        tenant: uuid.UUID) -> None:
    endpoint = (await client.create_endpoint(tenant, url=receiver.url("dup"))).endpoint
    event = message_received(conversation(), "once")
    msg_id = str(uuid.uuid4())
    [spec] = runtime.consumers
    for attempt in (1, 2):  # as JetStream redelivers a message whose ack was lost
        await spec.handler(Delivery(
            topics.MESSAGE_RECEIVED.subject(tenant), event.SerializeToString(),
            {"Nats-Msg-Id": msg_id}, attempt, topics.MESSAGE_RECEIVED, sequence=10**9))
    await eventually(lambda: _delivered(receiver, "dup", 1), within=15)
    log = await client.list_deliveries(tenant, endpoint_id=endpoint.id)
    assert [d.event_id for d in log.deliveries] == [msg_id]


async def test_the_test_event_and_two_signatures_while_a_rotated_secret_lasts(
        client: IntegrationsClient, receiver: Receiver, tenant: uuid.UUID) -> None:
    made = await client.create_endpoint(tenant, url=receiver.url("rot"))
    rotated = await client.rotate_secret(tenant, made.endpoint.id, previous_secret_ttl_s=600)
    delivery = await client.send_test_event(tenant, made.endpoint.id)
    assert (delivery.event_type, delivery.conversation_id) == ("webhook.test", "")
    await eventually(lambda: _delivered(receiver, "rot", 1), within=15)
    [call] = receiver.of("rot")
    assert call.event["type"] == "webhook.test"
    assert call.event["data"]["endpoint_id"] == made.endpoint.id
    assert signed_by(call, rotated.secret) and signed_by(call, made.secret)
    again = await client.rotate_secret(tenant, made.endpoint.id, previous_secret_ttl_s=0)
    await client.send_test_event(tenant, made.endpoint.id)
    await eventually(lambda: _delivered(receiver, "rot", 2), within=15)
    last = receiver.of("rot")[-1]
    assert signed_by(last, again.secret) and not signed_by(last, rotated.secret)
    assert "," not in last.headers["x-switchboard-signature"]


async def _at_least(receiver: Receiver, path: str, n: int) -> bool:
    return len(receiver.of(path)) >= n


async def _delivered(receiver: Receiver, path: str, n: int) -> bool:
    return len(receiver.delivered(path)) >= n
