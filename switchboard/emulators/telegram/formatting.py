"""Text with `parse_mode`: Telegram's HTML turned into plain text and entities, with the
errors Telegram gives for what it does not accept; text and caption limits.

HTML: the tags of https://core.telegram.org/bots/api#html-style (b, strong, i, em, u, ins, s,
strike, del, tg-spoiler, span class="tg-spoiler", a href, tg-emoji emoji-id, code, pre (with an
inner code class="language-..."), blockquote [expandable]); named entities &lt; &gt; &amp;
&quot; and numeric ones; an unknown `&name;` stays as it is. Markdown and MarkdownV2 are taken
as plain text (not parsed). Entity offsets and lengths count UTF-16 code units, as Telegram's.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from switchboard.emulators.telegram.model import TelegramError, bad_request

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
PARSE_MODES = {"html": "HTML", "markdown": "Markdown", "markdownv2": "MarkdownV2"}

_SIMPLE = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
           "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
           "del": "strikethrough", "tg-spoiler": "spoiler", "code": "code"}
_TAGS = frozenset({*_SIMPLE, "span", "a", "tg-emoji", "pre", "blockquote"})
_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTRIBUTE = re.compile(r"""\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot);")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the output
    inner_language: str | None = None


@dataclass
class _Parser:
    source: str
    out: list[str] = field(default_factory=list)
    length: int = 0  # UTF-16 length of the output so far
    stack: list[_Open] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def fail(self, what: str) -> TelegramError:
        return bad_request(f"can't parse entities: {what}")

    def at(self, index: int) -> int:
        return len(self.source[:index].encode())

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_len(text)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        i, source = 0, self.source
        while i < len(source):
            char = source[i]
            if char == "<":
                i = self.end_tag(i) if source.startswith("</", i) else self.start_tag(i)
            elif char == "&" and (match := _ENTITY.match(source, i)):
                self.emit(html.unescape(match.group(0)))
                i = match.end()
            else:
                self.emit(char)
                i += 1
        if self.stack:
            raise self.fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        return "".join(self.out), self.entities

    def start_tag(self, i: int) -> int:
        name_match = _NAME.match(self.source, i + 1)
        name = name_match.group(0).lower() if name_match else ""
        if name not in _TAGS:
            raise self.fail(f'Unsupported start tag "{name}" at byte offset {self.at(i)}')
        assert name_match is not None
        close = self.source.find(">", name_match.end())
        if close < 0:
            raise self.fail(f"Unclosed start tag at byte offset {self.at(i)}")
        attrs = {key.lower(): html.unescape(value.strip("\"'")) if value else ""
                 for key, value in _ATTRIBUTE.findall(self.source[name_match.end():close])}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {self.at(i)}')
        if name == "code" and self.stack and self.stack[-1].tag == "pre":
            language = attrs.get("class", "")
            self.stack[-1].inner_language = language.removeprefix("language-") or None
        self.stack.append(_Open(name, attrs, self.length))
        return close + 1

    def end_tag(self, i: int) -> int:
        close = self.source.find(">", i)
        if close < 0:
            raise self.fail(f"Unclosed end tag at byte offset {self.at(i)}")
        name = self.source[i + 2:close].strip().lower()
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.at(i)}")
        opened = self.stack.pop()
        if opened.tag != name:
            raise self.fail(f'Unmatched end tag at byte offset {self.at(i)}, expected '
                            f'"</{opened.tag}>", found "</{name}>"')
        self.entity(opened)
        return close + 1

    def entity(self, opened: _Open) -> None:
        length = self.length - opened.start
        if length == 0:
            return
        entity: dict[str, Any] = {"offset": opened.start, "length": length}
        tag, attrs = opened.tag, opened.attrs
        if tag == "code" and self.stack and self.stack[-1].tag == "pre":
            return  # the language of its pre, not an entity of its own
        if tag in _SIMPLE or tag == "span":
            entity["type"] = _SIMPLE.get(tag, "spoiler")
        elif tag == "a":
            if not attrs.get("href"):
                return
            entity.update(type="text_link", url=attrs["href"])
        elif tag == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=attrs.get("emoji-id", ""))
        elif tag == "pre":
            entity["type"] = "pre"
            if opened.inner_language:
                entity["language"] = opened.inner_language
        else:
            entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        self.entities.append(entity)


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram drops leading and trailing whitespace; entities follow the text."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[:len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        stop = min(entity["offset"] + entity["length"] - lead, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


def parse(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and its entities; TelegramError 400 when the markup is refused."""
    mode = (parse_mode or "").lower()
    if mode and mode not in PARSE_MODES:
        raise bad_request("unsupported parse_mode")
    if mode == "html":
        plain, entities = _Parser(text).run()
    else:
        plain, entities = text, []
    plain, entities = _trim(plain, entities)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return plain, entities


def message_text(text: str | None, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    plain, entities = parse(text or "", parse_mode)
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return plain, entities


def caption(text: str | None, parse_mode: str | None) -> dict[str, Any]:
    """The `caption` and `caption_entities` fields of a media message (none when empty)."""
    plain, entities = parse(text or "", parse_mode)
    if utf16_len(plain) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    fields: dict[str, Any] = {}
    if plain:
        fields["caption"] = plain
        if entities:
            fields["caption_entities"] = entities
    return fields


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity a client puts on `/cmd[@bot] ...` typed by a user."""
    match = re.match(r"/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?", text)
    if not match:
        return []
    return [{"offset": 0, "length": utf16_len(match.group(0)), "type": "bot_command"}]
