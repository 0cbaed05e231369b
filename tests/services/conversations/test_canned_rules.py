"""Canned replies' rules without a database: rendering variables (missing ones empty and
named, unknown ones left as written, prices in roubles) and what a reply may hold."""

from __future__ import annotations

import uuid

import pytest

from services.conversations.canned.service import UPDATABLE, CannedFields, _checked, render
from services.conversations.models import Contact, Conversation
from services.kernel.errors import InvalidArgument


def _row(name: str = "", title: str = "", price: int | None = None
         ) -> tuple[Conversation, Contact]:
    return (Conversation(id=uuid.uuid4(), listing_title=title, listing_price_minor=price,
                         listing_url=""),
            Contact(id=uuid.uuid4(), name=name, phone=""))


def test_variables_render_from_the_conversation() -> None:
    done = render("{buyer_name}, «{listing_title}» стоит {price}.",
                  *_row("Анна", "Диван угловой", 12_500_00))
    assert (done.text, done.missing, done.unknown) == (
        "Анна, «Диван угловой» стоит 12 500 ₽.", [], [])
    assert render("{price}", *_row(price=99_90)).text == "99,90 ₽"
    assert render("{price}", *_row(price=1_234_567_00)).text == "1 234 567 ₽"


def test_missing_values_render_empty_and_are_named_unknown_names_stay() -> None:
    done = render("Здравствуйте, {buyer_name}! {price} {price} {discount} {not a var} {}",
                  *_row(title="Стол"))
    assert done.text == "Здравствуйте, !   {discount} {not a var} {}"
    assert done.missing == ["buyer_name", "price"] and done.unknown == ["discount"]


@pytest.mark.parametrize("given", [
    CannedFields(UPDATABLE, "  ", "text"),
    CannedFields(UPDATABLE, "t" * 201, "text"),
    CannedFields(UPDATABLE, "title", ""),
    CannedFields(UPDATABLE, "title", "x" * 4001),
    CannedFields(UPDATABLE, "title", "text", "two words"),
    CannedFields(UPDATABLE, "title", "text", "s" * 33),
])
def test_bad_fields_are_refused(given: CannedFields) -> None:
    with pytest.raises(InvalidArgument):
        _checked(given)


def test_fields_are_trimmed_and_a_slash_or_blank_shortcut_is_fine() -> None:
    assert _checked(CannedFields(UPDATABLE, " Цена ", " Стоит {price} ", "/цена-1")) == {
        "title": "Цена", "text": "Стоит {price}", "shortcut": "цена-1"}
    assert _checked(CannedFields(frozenset({"shortcut"}), shortcut=" "))["shortcut"] is None
