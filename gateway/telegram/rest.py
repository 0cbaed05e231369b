"""REST: tenants' Telegram bots — register (token checked with Telegram, webhook set), list,
get, link or unlink the group, remove. Managing bots needs the admin scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gateway.auth import AUTH_PROBLEMS, Admin, Reader, problem_responses
from gateway.schemas import PageOut
from gateway.state import State
from gateway.telegram import bots
from gateway.telegram.bots import BotGroup, RegisterBot
from gateway.telegram.schemas import TelegramBotList, TelegramBotOut

router = APIRouter(prefix="/telegram/bots", tags=["telegram"])


@router.post("", status_code=201, response_model=TelegramBotOut,
             responses={**AUTH_PROBLEMS, **problem_responses(409, 422, 503)})
async def register_bot(body: RegisterBot, principal: Admin, state: State) -> TelegramBotOut:
    """Register your bot: the token is checked with Telegram (getMe), stored encrypted, and the
    webhook set with a fresh secret (`delivery: polling` deletes it instead). The same bot
    again updates it; a bot another account registered is 409. A token Telegram refuses is a
    422 saying so; Telegram down is a 503 (nothing is saved)."""
    return TelegramBotOut.from_proto(await bots.register(state, principal, body))


@router.get("", response_model=TelegramBotList, responses={**AUTH_PROBLEMS})
async def list_bots(principal: Reader, state: State,
                    limit: Annotated[int, Query(ge=1, le=100)] = 50,
                    cursor: str = "") -> TelegramBotList:
    resp = await state.channels.list_telegram_bots(principal.tenant_id, page_size=limit,
                                                   cursor=cursor)
    return TelegramBotList(items=[TelegramBotOut.from_proto(b) for b in resp.bots],
                           page=PageOut.from_proto(resp.page_info))


@router.get("/{bot_id}", response_model=TelegramBotOut,
            responses={**AUTH_PROBLEMS, **problem_responses(404)})
async def get_bot(bot_id: str, principal: Reader, state: State) -> TelegramBotOut:
    return TelegramBotOut.from_proto(await state.channels.get_telegram_bot(principal.tenant_id,
                                                                           bot_id))


@router.put("/{bot_id}/group", response_model=TelegramBotOut,
            responses={**AUTH_PROBLEMS, **problem_responses(404, 422)})
async def set_group(bot_id: str, body: BotGroup, principal: Admin, state: State) -> TelegramBotOut:
    """Link the supergroup (with topics) the bot posts conversations to."""
    return TelegramBotOut.from_proto(
        await bots.set_group(state, principal.tenant_id, bot_id, body))


@router.delete("/{bot_id}/group", response_model=TelegramBotOut,
               responses={**AUTH_PROBLEMS, **problem_responses(404)})
async def clear_group(bot_id: str, principal: Admin, state: State) -> TelegramBotOut:
    return TelegramBotOut.from_proto(
        await bots.set_group(state, principal.tenant_id, bot_id, None))


@router.delete("/{bot_id}", status_code=204, response_class=Response,
               responses={**AUTH_PROBLEMS, **problem_responses(404, 503)})
async def remove_bot(bot_id: str, principal: Admin, state: State) -> Response:
    """Delete the webhook on Telegram, then the bot, and revoke its runner's API key. A token
    revoked at @BotFather does not stop the removal; Telegram down is a 503 and nothing
    changes."""
    await bots.remove(state, principal, bot_id)
    return Response(status_code=204)
