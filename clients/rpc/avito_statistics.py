"""AvitoStatisticsClient: an account's Avito statistics, fetched by channels (analytics only)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.channels.v1 import avito_statistics_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import avito_statistics_pb2_grpc as rpc

# Channels waits out a documented limit up to its retry_after_max_s (30 s) and retries 429/5xx.
FETCH_DEADLINE_S = 60.0


class AvitoStatisticsClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.AvitoStatisticsServiceStub(self.channel)

    async def fetch(self, tenant_id: uuid.UUID, channel_id: str, first: date, last: date,
                    kinds: Sequence[int] = (),
                    deadline_s: float = FETCH_DEADLINE_S) -> pb.FetchAvitoStatisticsResponse:
        """Each kind's figures, or its problem (`problems`); empty `kinds` = every kind."""
        request = pb.FetchAvitoStatisticsRequest(channel_id=channel_id,
                                                 from_date=first.isoformat(),
                                                 to_date=last.isoformat(), kinds=list(kinds))
        return await self._call(self._stub.FetchAvitoStatistics, request, tenant_id,
                                deadline_s=deadline_s)
