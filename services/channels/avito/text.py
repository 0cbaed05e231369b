"""Avito accepts at most 1000 characters per text message: longer texts go out in parts."""

from __future__ import annotations

import re

MAX_TEXT_LEN = 1000

# A sentence ends with . ! ? or … (possibly followed by closing quotes/brackets) and a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)\]]*\s")
_PARAGRAPH_END = re.compile(r"\n\s*\n")
_SPACE = re.compile(r"\s")


def split_text(text: str, limit: int = MAX_TEXT_LEN) -> list[str]:
    """Ordered parts of at most `limit` characters, cut at the latest paragraph or sentence
    end in the back half of the window, else at the latest space, else hard at the limit.
    Whitespace at the cuts is dropped; a blank text gives no parts."""
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_point(rest[:limit + 1], limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _cut_point(window: str, limit: int) -> int:
    """Where to end the next part. `window` holds limit+1 chars, so a boundary right after
    the last allowed character is seen too."""
    floor = limit // 2
    for pattern in (_PARAGRAPH_END, _SENTENCE_END):
        ends = [m.end() for m in pattern.finditer(window) if floor <= m.start() < limit]
        if ends:
            # Cut after the punctuation; the whitespace that follows is stripped anyway.
            return min(max(ends), limit)
    spaces = [m.start() for m in _SPACE.finditer(window) if 0 < m.start() <= limit]
    return max(spaces) if spaces else limit
