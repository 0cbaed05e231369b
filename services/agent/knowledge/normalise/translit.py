"""Latin brand and tech words in Cyrillic, as buyers write them: «айклауд» for iCloud, «фейс
айди» for Face ID, «есим» for eSIM. Sellers write these words in Latin and buyers in Cyrillic
(or the other way round), so both sides are put in Cyrillic: a curated table for words whose
spelling does not say how they sound, then letter rules for the rest (Samsung -> самсунг,
Redmi -> редми, Neverlock -> неверлок). Letter rules only get close («пиксел» for Pixel);
typos.py bridges the last letter or two.
"""

from __future__ import annotations

import re

# Phrases first (matched on whole words), then single words. Spelled as Russian buyers say them.
PHRASES = {
    "face id": "фейс айди", "touch id": "тач айди", "apple id": "эпл айди",
    "apple watch": "эпл вотч", "apple pay": "эпл пей", "type c": "тайп си", "wi fi": "вайфай",
}
WORDS = {
    "icloud": "айклауд", "iphone": "айфон", "ipad": "айпад", "imac": "аймак", "ios": "айос",
    "macbook": "макбук", "airpods": "эйрподс", "apple": "эпл", "esim": "есим", "sim": "сим",
    "imei": "имей", "xiaomi": "сяоми", "huawei": "хуавей", "google": "гугл", "wifi": "вайфай",
    "bluetooth": "блютуз", "android": "андроид", "air": "эйр", "max": "макс", "pro": "про",
    "plus": "плюс", "lite": "лайт", "ultra": "ультра", "mini": "мини", "watch": "вотч",
    "avito": "авито", "ozon": "озон", "whatsapp": "вотсап", "telegram": "телеграм",
    "thinsulate": "тинсулейт", "oeko": "эко", "tex": "текс", "ikea": "икеа", "led": "лед",
}
# Longest first: "sch" before "sh" before "s".
_LETTERS = (
    ("sch", "ш"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ph", "ф"),
    ("th", "т"), ("ck", "к"), ("ee", "и"), ("oo", "у"), ("ya", "я"), ("yu", "ю"), ("yo", "е"),
    ("ce", "се"), ("ci", "си"), ("cy", "си"), ("qu", "кв"), ("x", "кс"), ("j", "дж"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
    ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"),
    ("w", "в"), ("y", "и"), ("z", "з"),
)
# The table's own Cyrillic words are names: kept as they are, never lemmatised (pymorphy would
# guess «айди» is a form of «айти»).
NAMES = frozenset(w for v in (*PHRASES.values(), *WORDS.values()) for w in v.split())
_LATIN_WORD = re.compile(r"[a-z]+")
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in PHRASES)
                     + r")\b")


def by_rules(word: str) -> str:
    """A lowercase Latin word in Cyrillic letter by letter (digraphs first)."""
    out, i = [], 0
    while i < len(word):
        for latin, cyrillic in _LETTERS:
            if word.startswith(latin, i):
                # "y" before a vowel is a consonant: yandex -> яндекс is a digraph, yes -> йес
                out.append("й" if latin == "y" and word[i + 1:i + 2] in set("aeiou") else cyrillic)
                i += len(latin)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def to_cyrillic(text: str) -> str:
    """`text` (lowercase) with every Latin word in Cyrillic; everything else kept."""
    text = _PHRASE.sub(lambda m: PHRASES[" ".join(re.split(r"[\s-]+", m.group(1)))], text)
    return _LATIN_WORD.sub(lambda m: WORDS.get(m.group(0)) or by_rules(m.group(0)), text)
