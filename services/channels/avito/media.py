"""Messenger calls beyond text: images, voice files, deleting messages, the blacklist.

A mixin of AvitoClient: every call goes through the client's `_call` (token, pacing, retries,
typed errors), so these methods only know paths and shapes (research §3.5, 3.6, 3.8-3.10).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from services.channels.avito.errors import AvitoUnavailable

# Avito's blacklist reasons (research §3.10).
BLACKLIST_REASONS = {"spam": 1, "fraud": 2, "insults": 3, "other": 4}


@dataclass(frozen=True)
class UploadedImage:
    image_id: str
    sizes: dict[str, str]  # "1280x960" -> URL


class MediaCalls(abc.ABC):
    @abc.abstractmethod
    async def _call(self, endpoint: str, method: str, path: str, **kwargs: Any) -> Any:
        """AvitoClient's authorized call: token, pacing, retries, typed errors."""

    async def upload_image(self, user_id: str | int, content: bytes, filename: str,
                           mime_type: str) -> UploadedImage:
        """One file per request, in the multipart field `uploadfile[]` (brackets included)."""
        path = f"/messenger/v1/accounts/{_seg(user_id)}/uploadImages"
        files = {"uploadfile[]": (filename or "image", content, mime_type)}
        data = await self._call("upload_images", "POST", path, files=files)
        for image_id, sizes in (data.items() if isinstance(data, dict) else ()):
            if isinstance(sizes, dict):
                return UploadedImage(str(image_id), {str(k): str(v) for k, v in sizes.items()})
        raise AvitoUnavailable("Avito's uploadImages answer names no image")

    async def send_image(self, user_id: str | int, chat_id: str,
                         image_id: str) -> dict[str, Any]:
        path = f"/messenger/v1/accounts/{_seg(user_id)}/chats/{_seg(chat_id)}/messages/image"
        data = await self._call("send_image", "POST", path, json={"image_id": image_id})
        return data if isinstance(data, dict) else {}

    async def delete_message(self, user_id: str | int, chat_id: str, message_id: str) -> None:
        """Only within an hour of sending; the message stays in history as type `deleted`.
        (POST, not DELETE.)"""
        path = (f"/messenger/v1/accounts/{_seg(user_id)}/chats/{_seg(chat_id)}"
                f"/messages/{_seg(message_id)}")
        await self._call("delete_message", "POST", path)

    async def voice_urls(self, user_id: str | int, voice_ids: list[str]) -> dict[str, str]:
        """voice id -> download URL (valid for an hour)."""
        path = f"/messenger/v1/accounts/{_seg(user_id)}/getVoiceFiles"
        data = await self._call("voice_files", "GET", path,
                                params=[("voice_ids", v) for v in voice_ids])
        urls = data.get("voices_urls") if isinstance(data, dict) else None
        return {str(k): v for k, v in (urls or {}).items() if isinstance(v, str) and v}

    async def blacklist(self, user_id: str | int, blocked_user_id: str, *, item_id: str = "",
                        reason: str = "other") -> None:
        context: dict[str, int] = {"reason_id": BLACKLIST_REASONS[reason]}
        if item_id.isdigit():
            context["item_id"] = int(item_id)
        user: dict[str, Any] = {"user_id": int(blocked_user_id) if blocked_user_id.isdigit()
                                else blocked_user_id, "context": context}
        await self._call("blacklist", "POST", f"/messenger/v2/accounts/{_seg(user_id)}/blacklist",
                         json={"users": [user]})


def _seg(value: str | int) -> str:
    return quote(str(value), safe="")
