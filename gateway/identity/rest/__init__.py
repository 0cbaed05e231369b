"""Identity's REST routes: sessions and API keys (`auth.py`), the team and its links
(`users.py`), Telegram links (`telegram.py`)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.identity.rest import auth, telegram, users

router = APIRouter()
router.include_router(auth.router)
router.include_router(users.router)
router.include_router(telegram.router)
