"""TelegramDeliveryClient: messages to a tenant's chats through its registered bot (channels)."""

from __future__ import annotations

import uuid

from clients.rpc.base import ServiceClient
from clients.rpc.gen.switchboard.channels.v1 import telegram_delivery_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import telegram_delivery_pb2_grpc as rpc

# Channels retries Telegram's 429/5xx itself (honouring retry_after) before it answers.
SEND_DEADLINE_S = 60.0


class TelegramDeliveryClient(ServiceClient):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._stub = rpc.TelegramDeliveryServiceStub(self.channel)

    async def send_message(self, tenant_id: uuid.UUID, chat_id: int, thread_id: int | None,
                           html: str, photo: bytes = b"") -> list[int]:
        request = pb.SendTelegramMessageRequest(chat_id=chat_id, message_thread_id=thread_id,
                                                html=html, photo=photo)
        response = await self._call(self._stub.SendTelegramMessage, request, tenant_id,
                                    deadline_s=SEND_DEADLINE_S)
        return list(response.message_ids)
