"""Rendering for Telegram: escaping, safe splitting, topic names, cards, message lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from switchboard_sdk import (
    Attachment,
    Contact,
    Conversation,
    ConversationMode,
    ConversationStatus,
    Direction,
    Handoff,
    Listing,
    Message,
    SenderKind,
)

from clients.telegram_bot import render
from clients.telegram_bot.render import Media, Text

# The tags our HTML may contain; anything else in a part would be user text not escaped.
OWN_TAGS = re.compile(r"</?(b|i|a)( href=\"[^\"]*\")?>")


def conversation(**changes: object) -> Conversation:
    base: dict[str, object] = {
        "id": "c1", "channel_id": "ch1", "contact": Contact(id="k1", name="Иван"),
        "listing": Listing(title="Велосипед", price_minor=1_850_000,
                           url="https://avito.ru/items/1?a=1&b=2")}
    return Conversation(**{**base, **changes})  # type: ignore[arg-type]


def message(text: str = "", **changes: object) -> Message:
    return Message(**{"id": "m1", "conversation_id": "c1", "text": text, **changes})  # type: ignore[arg-type]


def visible(html: str) -> str:
    """The part as Telegram shows it: our tags gone, entities decoded."""
    stripped = OWN_TAGS.sub("", html)
    assert "<" not in stripped and ">" not in stripped, html
    return stripped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_user_html_is_escaped_everywhere() -> None:
    evil = '<b>x</b> & <script>alert(1)</script> "q"'
    conv = conversation(contact=Contact(id="k", name="<i>Ева</i>"),
                        listing=Listing(title="<a href=x>Диван</a>", price_rub=100.0))
    [part] = render.message(conv, message(evil))
    assert isinstance(part, Text)
    assert visible(part.html).endswith(evil)
    assert "&lt;i&gt;Ева&lt;/i&gt;" in part.html
    card = render.card(conv, "Shop <1>")
    assert "&lt;a href=x&gt;Диван&lt;/a&gt;" in card and "Shop &lt;1&gt;" in card
    visible(card)


def test_a_long_text_is_split_at_words_within_the_limit_and_loses_nothing() -> None:
    words = [f"слово{n}&<>" for n in range(2000)]
    text = " ".join(words)
    parts = render.message(conversation(), message(text))
    assert len(parts) > 1
    bodies = []
    for n, part in enumerate(parts, 1):
        assert isinstance(part, Text)
        assert render.utf16_len(part.html) <= render.TEXT_LIMIT
        header, _, body = part.html.partition("\n")
        assert f"({n}/{len(parts)})" in header and "Иван" in header
        assert not re.search(r"&[a-z]*$", body)  # never cut inside an escape
        bodies.append(visible(body))
    assert " ".join(bodies).split() == words


def test_every_part_fits_with_its_counter_however_long_the_buyers_name() -> None:
    conv = conversation(contact=Contact(id="k", name="Очень-длинное-имя" * 400))
    parts = render.message(conv, message("а" * 50_000))
    assert len(parts) > 10
    assert all(isinstance(p, Text) and render.utf16_len(p.html) <= render.TEXT_LIMIT for p in parts)


def test_splitting_counts_utf16_and_cuts_a_word_too_long_to_fit() -> None:
    emoji = "😀" * 3000  # two UTF-16 units each, no space to cut at
    parts = render.split("<b>h</b>", emoji, limit=1000)
    assert all(render.utf16_len(p.html) <= 1000 for p in parts if isinstance(p, Text))
    assert "".join(visible(p.html.partition("\n")[2]) for p in parts
                   if isinstance(p, Text)) == emoji


def test_topic_name_is_buyer_and_listing_within_128_characters() -> None:
    assert render.topic_name(conversation()) == "Иван · Велосипед"
    assert render.topic_name(conversation(contact=None, listing=None)) == "Покупатель"
    long = render.topic_name(conversation(listing=Listing(title="Диван " * 60)))
    assert 120 <= len(long) <= render.TOPIC_NAME_LIMIT and long.startswith("Иван · Диван") \
        and long.endswith("…")
    huge = render.topic_name(conversation(contact=Contact(id="k", name="Я" * 300),
                                          listing=Listing(title="Т" * 300)))
    assert len(huge) <= render.TOPIC_NAME_LIMIT and "Т" in huge


def test_card_shows_account_buyer_listing_price_mode_status_and_a_handoff() -> None:
    card = render.card(conversation(mode=ConversationMode.MANAGER,
                                    status=ConversationStatus.PENDING), "Мой магазин")
    assert "Аккаунт: Мой магазин (Avito)" in card and "Покупатель: Иван" in card
    assert '<a href="https://avito.ru/items/1?a=1&amp;b=2">Велосипед</a>' in card
    assert "Цена: 18\u00a0500\u00a0₽" in card
    assert "отвечает менеджер" in card and "ожидает" in card and "Нужен менеджер" not in card
    handed = render.card(conversation(handoff=Handoff(
        requested_at=datetime.now(UTC), reason="просит оператора", kind="keywords")), "Shop")
    assert "отвечает ИИ" in handed and "Нужен менеджер" in handed and "просит оператора" in handed
    assert render.price(1_850_050, None) == "18\u00a0500,50\u00a0₽"


def test_card_names_the_assignee_when_known_and_omits_the_line_otherwise() -> None:
    assigned = conversation(assignee_user_id="u1")
    card = render.card(assigned, "Shop", "Мария <старший>")
    assert "Ответственный: Мария &lt;старший&gt;" in card
    assert card.index("Режим:") < card.index("Ответственный:") < card.index("Статус:")
    assert "Ответственный" not in render.card(assigned, "Shop", "")
    assert "Ответственный" not in render.card(conversation(), "Shop")


def test_a_message_line_marks_direction_and_ai_replies() -> None:
    def header(**fields: object) -> str:
        [part] = render.message(conversation(), message("Да", **fields))
        assert isinstance(part, Text)
        return part.html.partition("\n")[0]

    assert "📩" in header() and "Иван" in header()
    assert "ИИ" in header(direction=Direction.OUTBOUND, sender=SenderKind.AGENT)
    assert "Менеджер" in header(direction=Direction.OUTBOUND, sender=SenderKind.USER)
    assert "в приложении" in header(direction=Direction.INBOUND, sender=SenderKind.CHANNEL_APP)
    assert "Заметка" in header(content_type="note", sender=SenderKind.AGENT)


def test_images_voice_and_files_as_media_and_other_attachments_as_links() -> None:
    msg = message("Вот фото", attachments=[
        Attachment(kind="image", url="https://img.example/1.jpg"),
        Attachment(kind="voice", url="https://v.example/1.m4a", transcript="алло"),
        Attachment(kind="file", url="https://f.example/doc.pdf", title="doc.pdf"),
        Attachment(kind="location", url="https://maps.example/?q=1", title="Москва"),
        Attachment(kind="image")])  # no URL: named, not sent
    photo, voice, document = render.message(conversation(), msg)
    assert isinstance(photo, Media) and photo.kind == "photo"
    assert "Вот фото" in photo.caption and "Москва" in photo.caption and "Иван" in photo.caption
    assert isinstance(voice, Media) and voice.kind == "voice" and "алло" in voice.caption
    assert isinstance(document, Media) and document.kind == "document"
    fallback = render.media_fallback(document)
    assert '<a href="https://f.example/doc.pdf">doc.pdf</a>' in fallback.html


def test_a_caption_too_long_goes_first_as_text() -> None:
    msg = message("д" * 2000, attachments=[Attachment(kind="image", url="https://i.example/1")])
    first, photo = render.message(conversation(), msg)
    assert isinstance(first, Text) and "д" * 100 in first.html
    assert isinstance(photo, Media) and photo.caption == ""


def test_handoff_marker_names_the_reason() -> None:
    conv = conversation(handoff=Handoff(reason="нет ответа в базе", kind="no_answer"))
    assert "Нужен менеджер" in render.handoff(conv) and "нет ответа в базе" in render.handoff(conv)
