"""NATS JetStream: streams, deduplicated publishing, durable pull consumers.

Subjects: sb.<token>.<tenant_id>.<entity>.<event>, one stream per producing area; what exists
is the catalogue in `clients/rpc/topics.py`, the shapes are `services.kernel.wire`. Poison
messages go to the dead-letter stream with the reason in headers. `streams` is the producer
side, `consumers` the consumer side; this package's names are the API the services use.
"""

from services.kernel.bus.consumers import (
    Backlog,
    BatchHandler,
    Consumer,
    ConsumerSpec,
    Delivery,
    Handler,
    Poison,
    Retry,
    run_consumers,
    uuid_field,
)
from services.kernel.bus.streams import EVENT_TYPE_HEADER, MSG_ID_HEADER, Bus, check_payload

__all__ = [
    "EVENT_TYPE_HEADER", "MSG_ID_HEADER", "Backlog", "BatchHandler", "Bus", "Consumer",
    "ConsumerSpec", "Delivery", "Handler", "Poison", "Retry", "check_payload", "run_consumers",
    "uuid_field",
]
