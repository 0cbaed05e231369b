"""NATS JetStream: streams, deduplicated publishing, durable pull consumers.

Subjects: sb.<producer>.<tenant_id>.<entity>.<event>. One stream per producer; poison messages
go to the dead-letter stream with the reason in headers. `streams` is the producer side,
`consumers` the consumer side; this package's names are the API the services use.
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
)
from services.kernel.bus.streams import (
    DLQ_PREFIX,
    MSG_ID_HEADER,
    STREAMS,
    Bus,
    StreamSpec,
    subject,
    tenant_of,
)

__all__ = [
    "DLQ_PREFIX", "MSG_ID_HEADER", "STREAMS", "Backlog", "BatchHandler", "Bus", "Consumer",
    "ConsumerSpec", "Delivery", "Handler", "Poison", "Retry", "StreamSpec", "run_consumers",
    "subject", "tenant_of",
]
