"""Whether an entry covers a place the buyer names without naming it itself.

A place the best entry never mentions hands the question off (confidence.py): «доставка в
Казахстан» must not be answered with «Доставляем по России». But a town of Russia is covered
by an entry that speaks of all Russia («в Пермь отправите?» on «Доставляем по России СДЭК»),
and sellers do not list every town: such a place matches the entry's words for all Russia
(России, РФ, регионы) as a thesaurus synonym would, so it counts as said. pymorphy3 tells a
place (Geox) but not its country, so the foreign ones are listed: the countries buyers of
Russian marketplaces ask about and the towns of the nearest of them. General knowledge, not
any shop's.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.agent.knowledge.lexical import Term
from services.agent.knowledge.normalise.lemmas import names_a_place

# Lemmas (normalise/lemmas.py) of foreign countries and their best-known towns.
FOREIGN = frozenset({
    "казахстан", "беларусь", "белоруссия", "украина", "армения", "грузия", "азербайджан",
    "узбекистан", "киргизия", "кыргызстан", "таджикистан", "туркмения", "туркменистан",
    "молдавия", "молдова", "латвия", "литва", "эстония", "абхазия", "монголия", "китай",
    "япония", "корея", "вьетнам", "таиланд", "индия", "турция", "израиль", "оаэ", "дубай",
    "германия", "польша", "чехия", "сербия", "финляндия", "франция", "италия", "испания",
    "англия", "великобритания", "европа", "америка", "сша", "канада", "кипр",
    "минск", "гомель", "брест", "витебск", "гродно", "могилев", "алматы", "алма-ата", "астана",
    "караганда", "шымкент", "ташкент", "самарканд", "бишкек", "душанбе", "ереван", "тбилиси",
    "баку", "киев", "харьков", "кишинев", "рига", "вильнюс", "таллин",
})
# Stems (the `russian` config's, of normalised words) of an entry that speaks of all Russia.
COUNTRYWIDE = frozenset({"росс", "рф", "регион"})
COVERS = 0.8  # as a thesaurus synonym (thesaurus.SYNONYM_SIMILARITY)


def domestic(word: str) -> bool:
    """Whether `word` (a lemma) is a place that is not a foreign one: a town or region of
    Russia, as far as a buyer writing to a Russian shop goes."""
    return names_a_place(word) and word.replace("ё", "е") not in FOREIGN


def widened(terms: list[Term], word_of: Mapping[str, str]) -> list[Term]:
    """`terms` with each domestic place also matching an entry's words for all Russia."""
    return [Term(t.stem, {**t.matches, **dict.fromkeys(COUNTRYWIDE, COVERS)}, t.weight)
            if domestic(word_of[t.stem]) else t for t in terms]
