"""What the window shows in Telegram, as HTML (parse_mode HTML): a topic's name, its card, a
message (text split to Telegram's limits, media as photo / voice / document), the handoff
marker. Russian UI text; every piece of user text is escaped, and splitting happens on the
raw text before escaping, so a part never ends inside an escape or a tag.

Lengths are counted in UTF-16 code units, as Telegram counts them, on the HTML itself: that
is longer than the text Telegram measures after parsing, so a part that fits here fits there.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Literal

from switchboard_sdk import (
    Attachment,
    Conversation,
    ConversationMode,
    ConversationStatus,
    Direction,
    Message,
    SenderKind,
)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
TOPIC_NAME_LIMIT = 128
_COUNTER_ROOM = len(" <i>(999/999)</i>")  # after a split message's header: room kept for it
_MEDIA = {"image": "photo", "voice": "voice", "file": "document"}
_KIND_LABELS = {"video": "видео", "link": "ссылка", "location": "место", "item": "объявление",
                "image": "изображение", "voice": "голосовое", "file": "файл"}
_STATUS = {ConversationStatus.OPEN: "🟢 открыт", ConversationStatus.PENDING: "⏳ ожидает",
           ConversationStatus.SNOOZED: "💤 отложен", ConversationStatus.RESOLVED: "✅ решён"}
_HANDOFF_KINDS = {"tool": "ИИ решил передать диалог", "keywords": "покупатель просит человека",
                  "low_confidence": "ИИ не уверен в ответе", "no_answer": "ИИ не нашёл ответа",
                  "llm_failure": "сбой модели ИИ", "circuit_open": "модель ИИ недоступна",
                  "outside_hours": "нерабочее время", "reply_limit": "исчерпан лимит ответов ИИ"}


Button = tuple[str, str]  # its label, its callback data
Keyboard = tuple[tuple[Button, ...], ...]  # rows of inline buttons


@dataclass(frozen=True)
class Text:
    html: str
    keyboard: Keyboard = ()


@dataclass(frozen=True)
class Media:
    kind: Literal["photo", "voice", "document"]
    url: str
    caption: str = ""  # HTML
    title: str = ""    # what a link to it says when Telegram cannot take the file


Part = Text | Media


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def buyer_name(conversation: Conversation) -> str:
    contact = conversation.contact
    return (contact.name if contact and contact.name else "").strip() or "Покупатель"


def topic_name(conversation: Conversation) -> str:
    """"Buyer · listing title" within Telegram's 128 characters (the title is shortened first)."""
    buyer = _shorten(buyer_name(conversation), TOPIC_NAME_LIMIT // 2)
    title = (conversation.listing.title or "").strip() if conversation.listing else ""
    if not title:
        return buyer
    return f"{buyer} · {_shorten(title, TOPIC_NAME_LIMIT - len(buyer) - 3)}"


def card(conversation: Conversation, channel_name: str, assignee: str = "") -> str:
    """The topic's first post: who, about what, for how much, who answers (and who is
    responsible, when the conversation is assigned to someone named), where it stands."""
    listing = conversation.listing
    kind = str(conversation.channel_kind).capitalize()
    lines = [f"📋 <b>{escape(topic_name(conversation))}</b>",
             f"Аккаунт: {escape(channel_name or '—')} ({escape(kind)})",
             f"Покупатель: {escape(buyer_name(conversation))}" + _phone(conversation)]
    if listing and (listing.title or listing.url):
        lines.append(f"Объявление: {_link(listing.url, listing.title or 'объявление')}")
    if listing and (listing.price_minor is not None or listing.price_rub is not None):
        lines.append(f"Цена: {price(listing.price_minor, listing.price_rub)}")
    mode = "🤖 отвечает ИИ" if conversation.mode == ConversationMode.BOT else "👤 отвечает менеджер"
    lines.append(f"Режим: {mode}")
    if assignee.strip():
        lines.append(f"Ответственный: {escape(_shorten(assignee.strip(), 100))}")
    lines.append(f"Статус: {_STATUS.get(conversation.status, escape(str(conversation.status)))}")
    if conversation.handoff is not None:
        lines.append(f"⚠️ <b>Нужен менеджер</b>: {escape(_handoff_reason(conversation))}")
    return "\n".join(lines)


def handoff(conversation: Conversation) -> str:
    """The visible marker posted in the topic when the AI hands the conversation over."""
    return f"🔔 <b>Нужен менеджер</b>\n{escape(_handoff_reason(conversation))}"


def price(minor: int | None, rub: float | None) -> str:
    kopecks = minor if minor is not None else round((rub or 0) * 100)
    whole, cents = divmod(kopecks, 100)
    text = f"{whole:,}".replace(",", "\u00a0")
    return f"{text},{cents:02d}\u00a0₽" if cents else f"{text}\u00a0₽"


def message(conversation: Conversation, msg: Message) -> list[Part]:
    """A message as parts to post in order: split text, then its files (or a captioned file)."""
    header = _header(conversation, msg)
    body = msg.text if msg.content_type != "deleted" else "(сообщение удалено)"
    media = [m for a in msg.attachments if (m := _media(a)) is not None]
    links = [_attachment_line(a) for a in msg.attachments if _media(a) is None]
    if media:
        caption = _join(header, escape(body.strip()), *links)
        if utf16_len(caption) <= CAPTION_LIMIT:
            first = Media(media[0].kind, media[0].url, caption, media[0].title)
            return [first, *media[1:]]
        return [*split(header, body, links), *media]
    return split(header, body, links)


def media_fallback(part: Media) -> Text:
    """A file Telegram would not take (an expired or unreachable URL): a link to it instead."""
    link = _link(part.url, part.title or _KIND_LABELS.get(part.kind, "файл"))
    return Text(_join(part.caption, f"📎 {link}") if part.caption else f"📎 {link}")


def split(header: str, text: str, extra_lines: list[str] | None = None,
          limit: int = TEXT_LIMIT) -> list[Part]:
    """`header` (HTML) then `text` (raw, escaped here), cut into messages of at most `limit`;
    `extra_lines` (HTML, each whole) close the last part or follow in their own."""
    budget = limit - utf16_len(header) - _COUNTER_ROOM - 1
    pieces = list(_pieces(text.strip(), budget))
    for line in extra_lines or []:
        if pieces and utf16_len(pieces[-1]) + 1 + utf16_len(line) <= budget:
            pieces[-1] = f"{pieces[-1]}\n{line}"
        else:
            pieces.append(line)
    if len(pieces) <= 1:
        return [Text(_join(header, *pieces))]
    return [Text(_join(f"{header} <i>({n}/{len(pieces)})</i>", piece))
            for n, piece in enumerate(pieces, 1)]


def _pieces(raw: str, budget: int) -> list[str]:
    """Escaped pieces of `raw`, each within `budget`, cut at a paragraph, a line or a word."""
    out: list[str] = []
    while raw:
        if utf16_len(escape(raw)) <= budget:
            out.append(escape(raw))
            break
        fits = _longest_prefix(raw, budget)
        cut = _natural_cut(raw[:fits]) or fits
        out.append(escape(raw[:cut].rstrip()))
        raw = raw[cut:].lstrip()
    return [piece for piece in out if piece]


def _longest_prefix(raw: str, budget: int) -> int:
    """The most characters of `raw` whose escaped form fits (escaping only grows with length)."""
    low, high = 1, len(raw)
    while low < high:
        mid = (low + high + 1) // 2
        if utf16_len(escape(raw[:mid])) <= budget:
            low = mid
        else:
            high = mid - 1
    return low


def _natural_cut(prefix: str) -> int:
    for separator in ("\n\n", "\n", " "):
        at = prefix.rfind(separator)
        if at > len(prefix) // 2:
            return at + len(separator)
    return 0


def _header(conversation: Conversation, msg: Message) -> str:
    if msg.content_type == "note":
        who = "ИИ" if msg.sender == SenderKind.AGENT else "команда"
        return f"📝 <b>Заметка</b> ({who}, покупатель не видит)"
    if msg.sender == SenderKind.AGENT:
        return "🤖 <b>ИИ-ассистент</b> → покупателю"
    if msg.sender == SenderKind.CHANNEL_APP:
        return "📱 <b>Продавец</b> (в приложении площадки) → покупателю"
    if msg.sender == SenderKind.USER or msg.direction == Direction.OUTBOUND:
        return "👤 <b>Менеджер</b> → покупателю"
    return f"📩 <b>{escape(_shorten(buyer_name(conversation), 64))}</b>"


def _media(attachment: Attachment) -> Media | None:
    kind = _MEDIA.get(attachment.kind)
    if kind is None or not _is_http(attachment.url):
        return None
    assert attachment.url is not None
    caption = ""
    if attachment.kind == "voice" and attachment.transcript:
        caption = f"<i>{escape(_shorten(attachment.transcript, 900))}</i>"
    return Media(kind, attachment.url, caption, attachment.title or "")  # type: ignore[arg-type]


def _attachment_line(attachment: Attachment) -> str:
    label = attachment.title or _KIND_LABELS.get(attachment.kind, attachment.kind)
    if attachment.transcript:
        label = f"{label}: {attachment.transcript}"
    return f"🔗 {_link(attachment.url, _shorten(label, 200))}"


def _link(url: str | None, label: str) -> str:
    if not _is_http(url):
        return escape(label)
    return f'<a href="{html.escape(url or "", quote=True)}">{escape(label)}</a>'


def _is_http(url: str | None) -> bool:
    return bool(url) and (url or "").lower().startswith(("http://", "https://"))


def _phone(conversation: Conversation) -> str:
    contact = conversation.contact
    return f", {escape(contact.phone)}" if contact and contact.phone else ""


def _handoff_reason(conversation: Conversation) -> str:
    found = conversation.handoff
    if found is None:
        return ""
    label = _HANDOFF_KINDS.get(found.kind, found.kind)
    reason = _shorten(found.reason.strip(), 500)
    return f"{label}: {reason}" if label and reason else (label or reason)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:max(limit - 1, 0)].rstrip() + "…"


def _join(*blocks: str) -> str:
    return "\n".join(block for block in blocks if block)
