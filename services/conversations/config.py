"""Settings of the conversations service (SWITCHBOARD_* env vars; the kernel's, named)."""

from __future__ import annotations

from services.kernel.config import KernelSettings


class ConversationsSettings(KernelSettings):
    service_name: str = "conversations"
