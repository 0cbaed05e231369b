"""Each normalisation step of retrieval (services/agent/knowledge/normalise/), offline and fast:
transliteration, lemmas, typo tolerance, and the pipeline both sides of a match go through."""

from __future__ import annotations

import pytest

from services.agent.knowledge.normalise.lemmas import (
    is_known,
    lemma,
    loaded,
    names_a_thing,
    qualifiers,
)
from services.agent.knowledge.normalise.pipeline import normalise, ready
from services.agent.knowledge.normalise.translit import by_rules, to_cyrillic
from services.agent.knowledge.normalise.typos import allowed_edits, typo_similarity


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("телефон отвязан от icloud?", "телефон отвязан от айклауд?"),
    ("работает ли face id", "работает ли фейс айди"),
    ("face-id", "фейс айди"),
    ("macbook и ipad", "макбук и айпад"),
    ("поддерживает esim", "поддерживает есим"),
    ("samsung galaxy", "самсунг галакси"),
    ("neverlock", "неверлок"),
    ("размер 104, цвет — синий", "размер 104, цвет — синий"),
])
def test_latin_brand_and_tech_words_are_written_in_cyrillic(latin: str, cyrillic: str) -> None:
    assert to_cyrillic(latin) == cyrillic


def test_letter_rules_cover_words_the_table_does_not_know() -> None:
    assert by_rules("redmi") == "редми"
    assert by_rules("shelf") == "шелф"
    assert by_rules("yandex") == "яндекс"
    assert by_rules("pixel") == "пиксел"


@pytest.mark.parametrize(("word", "form"), [
    ("соберёте", "собрать"), ("привезёте", "привезти"), ("доставляете", "доставлять"),
    ("ворованные", "воровать"), ("открыты", "открыть"), ("находитесь", "находиться"),
    ("макбуки", "макбук"), ("icloud", "icloud"), ("104", "104"),
])
def test_words_get_their_dictionary_form(word: str, form: str) -> None:
    assert lemma(word) == form


def test_the_dictionary_knows_words_but_not_typos() -> None:
    assert is_known("доставка") and not is_known("доставкка")


def test_things_places_numbers_and_qualities_are_told_from_how_a_question_is_asked() -> None:
    # What the question is about counts as evidence against an entry that does not mention it
    # (knowledge/confidence.py); the verbs, adverbs and pronouns of asking do not.
    about = ["казахстан", "биткоин", "пятно", "бесплатный", "104", "два", "iphone"]
    asking = ["подойти", "можно", "есть", "любой", "созвониться", "?"]
    assert all(names_a_thing(w) for w in about)
    assert not any(names_a_thing(w) for w in asking)


def test_typos_are_tolerated_by_word_length() -> None:
    assert [allowed_edits(n) for n in (4, 5, 8, 9, 12)] == [0, 1, 1, 2, 2]
    assert typo_similarity("доставк", "доствк") == 0.7  # a letter missing
    assert typo_similarity("гарант", "гаратн") == 0.7  # two neighbours swapped
    assert typo_similarity("рассрочк", "расрочк") == 0.7
    assert typo_similarity("аккумулятор", "акамулятор") == 0.6  # two, in a long word
    assert typo_similarity("скол", "скок") == 0.0  # short words must be exact
    assert typo_similarity("доставк", "доставк") == 0.0  # the same word is no typo
    assert typo_similarity("доставк", "оставкк") == 0.0  # two edits in a 7-letter word


@pytest.mark.parametrize(("seller", "buyer"), [
    ("Работает ли Face ID?", "фэйс айди работает?"),
    ("Телефон отвязан от iCloud?", "телефон отвязан от айклауд"),
    ("Продаёте ли MacBook?", "макбуки продаете"),
    ("Собираете ли диван?", "собираете диван"),
    ("Ёмкость аккумулятора", "емкость аккумулятора"),
    ("Запчасти б/у?", "запчасти бу"),  # the `russian` config would keep only «б» of «б/у»
])
def test_seller_and_buyer_wordings_meet_in_one_form(seller: str, buyer: str) -> None:
    seller_words = set(normalise(seller).split()) - {"?", "ли"}
    buyer_words = set(normalise(buyer).split()) - {"?"}
    assert seller_words == buyer_words, (normalise(seller), normalise(buyer))


def test_normalise_keeps_numbers_and_punctuation_apart() -> None:
    assert normalise("Размер 104, рост 98-104!") == "размер 104 , рост 98-104 !"


async def test_ready_leaves_the_dictionaries_loaded() -> None:
    await ready()
    assert loaded()
    await ready()  # once loaded, no worker thread is asked again
    assert lemma("доставите") == "доставить"


def test_words_after_a_preposition_qualify_the_topic() -> None:
    assert qualifiers(normalise("гарантия на стартер есть?").split()) == {"стартер"}
    assert qualifiers(normalise("скидку для сервиса дадите").split()) == {"сервис"}
    assert qualifiers(normalise("порвали обивку дивана").split()) == set()
