"""sendPhoto, sendVoice, sendDocument (an upload, an earlier file_id or a URL) and getFile."""

from __future__ import annotations

from typing import Any

from switchboard.emulators.telegram import formatting, render
from switchboard.emulators.telegram.files import DOWNLOAD_MAX
from switchboard.emulators.telegram.methods import sending
from switchboard.emulators.telegram.methods.call import Call, Handler
from switchboard.emulators.telegram.model import bad_request


async def _send_file(call: Call, method: str, kind: str) -> dict[str, Any]:
    p = call.params
    captioned = formatting.caption(p.string("caption"), p.string("parse_mode"))
    where = sending.target(call)
    file = await call.emulator.files.resolve(call.bot, kind, p.input_file(kind),
                                             duration=p.integer("duration") or 0)
    body = render.photo_sizes(file) if kind == "photo" else render.media(file)
    content: dict[str, Any] = {kind: body, **captioned}
    if kind == "photo" and p.flag("has_spoiler"):
        content["has_media_spoiler"] = True
    return sending.post(call, method, where, content)


async def send_photo(call: Call) -> dict[str, Any]:
    return await _send_file(call, "sendPhoto", "photo")


async def send_voice(call: Call) -> dict[str, Any]:
    return await _send_file(call, "sendVoice", "voice")


async def send_document(call: Call) -> dict[str, Any]:
    return await _send_file(call, "sendDocument", "document")


async def get_file(call: Call) -> dict[str, Any]:
    file_id = call.params.string("file_id")
    if not file_id:
        raise bad_request("file_id is empty")
    file = call.emulator.files.known(call.bot, file_id)
    if file.size > DOWNLOAD_MAX:
        raise bad_request("file is too big")
    return render.file(file)


METHODS: dict[str, Handler] = {
    "sendphoto": send_photo,
    "sendvoice": send_voice,
    "senddocument": send_document,
    "getfile": get_file,
}
