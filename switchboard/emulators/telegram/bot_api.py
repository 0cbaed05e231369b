"""The Bot API over HTTP: `/bot<token>/<method>` (GET or POST; query, JSON, form or multipart;
method names in any case) and `/file/bot<token>/<file_path>` downloads. Answers
`{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description"[, "parameters"]}`
with the HTTP status equal to error_code."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from switchboard.emulators.telegram.emulator import Emulator, EmulatorDep
from switchboard.emulators.telegram.methods import chats, forum, media, messages, reactions, webhooks
from switchboard.emulators.telegram.methods.call import Call, Described, Handler
from switchboard.emulators.telegram.model import Bot, TelegramError
from switchboard.emulators.telegram.params import Params

router = APIRouter(tags=["Bot API"])
log = logging.getLogger(__name__)

METHODS: dict[str, Handler] = {**chats.METHODS, **messages.METHODS, **media.METHODS,
                               **forum.METHODS, **webhooks.METHODS, **reactions.METHODS}
# What a "429 storm" refuses: every send and edit.
STORMED = frozenset({"sendmessage", "sendphoto", "sendvoice", "senddocument",
                     "editmessagetext", "editmessagereplymarkup", "createforumtopic",
                     "editforumtopic"})
TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


def error_body(exc: TelegramError) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return body


def error_response(exc: TelegramError) -> JSONResponse:
    return JSONResponse(error_body(exc), status_code=exc.code)


def authenticate(emulator: Emulator, token: str) -> Bot:
    if not TOKEN.match(token):
        raise TelegramError(404, "Not Found")  # not a token at all: no such page
    bot = emulator.world.bot_by_token(token)
    if bot is None:
        raise TelegramError(401, "Unauthorized")
    return bot


def _chat_of(params: Params) -> int | str | None:
    value = params.values.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return value if isinstance(value, str) else None


async def call(emulator: Emulator, bot: Bot, method: str, params: Params,
               disconnected: Any = None) -> Any:
    """Run one method for the bot: faults first, then the storm, then the method itself."""
    name = method.lower()
    handler = METHODS.get(name)
    if handler is None:
        raise TelegramError(404, "Not Found")
    await emulator.faults.trigger(name, bot.id, _chat_of(params))
    if name in STORMED:
        emulator.faults.storm()
    return await handler(Call(emulator, bot, params, disconnected))


@router.api_route("/bot{token}/{method:path}", methods=["GET", "POST"])
async def bot_method(token: str, method: str, request: Request, emulator: EmulatorDep) -> Response:
    try:
        bot = authenticate(emulator, token)
        if "/" in method:
            raise TelegramError(404, "Not Found")
        params = await Params.read(request)
        result = await call(emulator, bot, method, params, lambda: _disconnected(request))
    except TelegramError as exc:
        return error_response(exc)
    if isinstance(result, Described):
        return JSONResponse({"ok": True, "result": result.result,
                             "description": result.description})
    return JSONResponse({"ok": True, "result": result})


async def _disconnected(request: Request) -> None:
    """Returns when the client closes the connection (its body was read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


@router.get("/file/bot{token}/{path:path}")
async def download(token: str, path: str, emulator: EmulatorDep) -> Response:
    try:
        bot = authenticate(emulator, token)
    except TelegramError as exc:
        return error_response(exc)
    file = emulator.files.by_path(bot, path)
    if file is None:
        return error_response(TelegramError(404, "Not Found"))
    media_type = file.mime_type or ("image/jpeg" if file.kind == "photo" else None)
    return Response(file.data, media_type=media_type or "application/octet-stream")


async def reply_call(emulator: Emulator, bot: Bot, body: dict[str, Any]) -> None:
    """A webhook answered with a method call: made for the bot, its result thrown away."""
    values = {key: value for key, value in body.items() if key != "method"}
    try:
        await call(emulator, bot, str(body["method"]), Params(values))
    except TelegramError as exc:
        log.info("telegram emulator: bot %s webhook reply %s failed: %s", bot.id,
                 body["method"], exc.description)
