"""Identity's REST routes: sessions and API keys (`auth.py`), Telegram links (`telegram.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.identity.rest import auth, telegram

router = APIRouter()
router.include_router(auth.router)
router.include_router(telegram.router)
