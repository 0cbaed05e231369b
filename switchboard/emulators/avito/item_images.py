"""Listing photos the emulator serves itself, in place of Avito's image CDN: the sandbox and the
tests have no internet, so a listing without a seller-given `image_url` points here
(`Item.image`).

Each picture is a small JPEG drawn with Pillow: a landscape pictogram on a colour taken from
the listing's id, the same bytes every time (cached), at the sizes Avito names `WxH`.
"""

from __future__ import annotations

import io
from functools import lru_cache

from fastapi import APIRouter, Response
from PIL import Image, ImageDraw

from switchboard.emulators.avito.emulator import EmulatorDep
from switchboard.emulators.avito.errors import api_error
from switchboard.emulators.avito.model import IMAGE_SIZES, ITEM_IMAGE_PATH

router = APIRouter(tags=["emulator files"])
_PALETTE = ((0x4C, 0x7E, 0xA8), (0x7A, 0x9E, 0x5C), (0xB0, 0x6E, 0x4A), (0x8A, 0x6C, 0xA8),
            (0x3F, 0x93, 0x8C), (0xA8, 0x8F, 0x3F))


@router.get(ITEM_IMAGE_PATH)
async def item_image(size: str, item_id: int, emulator: EmulatorDep) -> Response:
    """Public, as Avito's CDN is: no token. Unknown listings and sizes are 404s."""
    if size not in IMAGE_SIZES or emulator.store.item_owner(item_id) is None:
        raise api_error(404)
    return Response(_drawing(item_id, size), media_type="image/jpeg",
                    headers={"Cache-Control": "public, max-age=86400"})


@lru_cache(maxsize=256)
def _drawing(item_id: int, size: str) -> bytes:
    width, height = (int(n) for n in size.split("x"))
    sky = _PALETTE[item_id % len(_PALETTE)]
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    # A sun and two hills: reads as "a photo" at 32x32 and at 1280x960 alike.
    r = max(2, height // 8)
    draw.ellipse((width * 3 // 4 - r, height // 4 - r, width * 3 // 4 + r, height // 4 + r),
                 fill=(0xF4, 0xD0, 0x6F))
    ground = tuple(c // 2 for c in sky)
    draw.polygon([(0, height), (width * 2 // 5, height * 2 // 5), (width * 3 // 4, height)],
                 fill=ground)
    draw.polygon([(width // 3, height), (width * 7 // 10, height * 3 // 5), (width, height * 4 // 5),
                  (width, height)], fill=tuple(c * 3 // 4 for c in sky))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()
