"""Positive signals of the channels tests: a durable consumer acked everything up to a message,
and how many messages of a subject JetStream kept (a copy under a seen Nats-Msg-Id is not)."""

from __future__ import annotations

from services.kernel.bus import Bus
from tests.services.channels.conftest import eventually


async def drained(bus: Bus, stream: str, durable: str, seq: int) -> None:
    """Wait until the consumer has acked everything up to stream sequence `seq`."""
    async def done() -> bool:
        info = await bus.js.consumer_info(stream, durable)
        return bool(info.ack_floor and info.ack_floor.stream_seq >= seq
                    and not info.num_ack_pending and not info.num_pending)
    await eventually(done)


async def stored(bus: Bus, subject: str) -> int:
    """How many messages on `subject` the SB_CHANNELS stream kept."""
    info = await bus.js.stream_info("SB_CHANNELS", subjects_filter=subject)
    return int((info.state.subjects or {}).get(subject, 0))
