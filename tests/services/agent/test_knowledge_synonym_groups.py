"""A seller's synonym group as it is stored (synonyms.py) and merged with the built-in
thesaurus (thesaurus.py): no database."""

from __future__ import annotations

import pytest

from services.agent.knowledge.synonyms import normalised_group
from services.agent.knowledge.thesaurus import merged
from services.kernel.errors import InvalidArgument


def test_a_group_is_lower_cased_folded_and_deduplicated() -> None:
    assert normalised_group(["Симка", "  СИМ   карта ", "симка", "Sim", "ёлка"]) == [
        "симка", "сим карта", "sim", "елка"]


@pytest.mark.parametrize(("words", "problem"), [
    ([], "at least 2"), (["Симка", "симка "], "at least 2"), (["симка", "\t"], "empty"),
    (["симка", "x" * 61], "longer than 60"), ([str(i) * 2 for i in range(21)], "at most 20"),
])
def test_a_bad_group_names_its_problem(words: list[str], problem: str) -> None:
    with pytest.raises(InvalidArgument, match=problem) as refused:
        normalised_group(words)
    assert refused.value.problem == "synonym-group-invalid"


def test_a_60_character_word_and_20_words_are_allowed() -> None:
    assert len(normalised_group(["x" * 60, "y"])) == 2
    assert len(normalised_group([f"слово{i}" for i in range(20)])) == 20


def test_merged_expansions_keep_each_synonyms_best_similarity() -> None:
    built_in = {"сим": {"карт": 0.8}, "доставк": {"отправк": 0.8}}
    own = {"сим": {"карт": 0.64, "есим": 0.8}}
    assert merged(built_in, own) == {"сим": {"карт": 0.8, "есим": 0.8},
                                     "доставк": {"отправк": 0.8}}
