"""One form for documents and questions alike: Latin words in Cyrillic, every word its lemma,
ё and э folded to е (фэйс, фейс). The result feeds PostgreSQL's `russian` configuration, whose
stems the lexical matching compares (knowledge/lexical.py): stems of lemmas agree where stems
of inflected forms did not (ворованный -> воровать, привезёте -> привезти)."""

from __future__ import annotations

import asyncio
import re

from services.agent.knowledge.normalise.lemmas import analyzer, lemma, loaded
from services.agent.knowledge.normalise.translit import NAMES, to_cyrillic

_TOKEN = re.compile(r"[\w/+-]+|[^\w\s]+")
_FOLD = str.maketrans({"ё": "е", "э": "е"})


# Written forms one word has: «б/у» is a single word to buyers («бу», «бушный»), while the
# `russian` config would keep only «б» of it.
_WRITTEN = {"б/у": "бу"}


def normalise(text: str) -> str:
    """`text` lowercased, transliterated, lemmatised and folded; punctuation kept apart."""
    text = to_cyrillic(text.lower())
    return " ".join(_WRITTEN.get(token) or (token if token in NAMES else lemma(token))
                    .translate(_FOLD) for token in _TOKEN.findall(text))


async def ready() -> None:
    """Load the dictionaries in a worker thread (a second, once per process), so the first
    question does not stall the event loop."""
    if not loaded():
        await asyncio.to_thread(analyzer)
