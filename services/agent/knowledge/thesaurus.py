"""Words buyers on Russian marketplaces use for the same thing: city nicknames, payment slang,
bargaining, contact, condition. A query word matches its group's other words at 0.8.

General marketplace vocabulary, not any shop's FAQ: a seller's own words are found by the
stemmer and the fuzzy matching in lexical.py. Stems come from PostgreSQL's `russian` config
(the same one that indexes the chunks), computed once per process on first use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

from services.agent.knowledge.lexical import similarity

SYNONYM_SIMILARITY = 0.8
SYNONYMS_KEPT = 100_000

GROUPS: tuple[tuple[str, ...], ...] = (
    ("москва", "мск", "московская"),
    ("санкт-петербург", "петербург", "питер", "спб"),
    ("екатеринбург", "екб"),
    ("новосибирск", "нск"),
    ("нижний", "нн"),
    ("доставка", "доставить", "довезти", "отправка", "отправить", "привезти", "привозить",
     "выслать", "высылать", "переслать", "пересылка", "подвезти", "завезти"),
    ("срок", "долго", "дней", "ждать", "быстро"),
    ("адрес", "находится", "находитесь", "откуда", "расположены", "подъехать", "приехать",
     "прийти", "зайти", "локация", "ориентир"),
    ("самовывоз", "забрать", "заберу", "забирать", "выдача", "пвз"),
    ("наличные", "наличка", "налом", "нал", "кэш"),
    ("безналичный", "безнал", "счет", "терминал"),
    ("оплата", "оплатить", "оплачивать", "заплатить", "расплатиться", "рассчитаться",
     "платить", "платеж"),
    ("способ", "вариант"),
    ("юрлицо", "юрлица", "организация", "ооо", "ип", "компания", "юрик", "юридический", "ндс",
     "упд"),
    ("перевод", "перевести", "сбп"),
    ("предоплата", "аванс", "заранее", "задаток"),
    ("рассрочка", "кредит", "частями", "сплит", "долями"),
    ("торг", "торговаться", "уступить", "уступите", "скинете", "подвинетесь", "отдадите",
     "сторговаться", "скостить"),
    ("скидка", "дешевле", "подешевле", "уценка", "дисконт", "дисконтный", "акция", "распродажа",
     "промокод", "купон", "бонус"),
    ("возврат", "вернуть", "верну", "сдать", "возвращать"),
    ("обмен", "обменять", "поменять"),
    ("телефон", "позвонить", "созвониться", "перезвонить", "звонок", "номер", "связаться",
     "контакт"),
    ("размер", "габариты", "длина", "ширина", "высота", "рост"),
    ("вес", "весит", "тяжелый", "кг", "килограмм"),
    ("дефект", "повреждение", "поврежденный", "царапина", "скол", "потертость", "разбитый",
     "битый", "помятый", "вмятина"),
    ("брак", "бракованный", "неисправность", "неисправный", "сломался", "поломка", "глючить",
     "ремонт", "починить", "починка"),
    ("фото", "фотка", "фотография", "снимок", "видео"),
    ("наличие", "актуально", "продано", "продали", "остаток", "распродан"),
    ("отложить", "забронировать", "придержать", "бронь", "резерв"),
    ("упаковка", "упаковать", "запаковать"),
    ("сборка", "собрать", "собирать", "сборщик"),
    ("подъем", "поднять", "занести"),
    ("оригинал", "оригинальный", "подлинный", "подделка", "копия", "реплика", "паль", "паленый",
     "паленка"),
    ("чек", "документы", "накладная", "талон", "квитанция"),
    ("частник", "частное"),
    ("трейд-ин", "трейдин", "зачет"),
    ("гарантия", "гарантийный", "гарантийка"),
    ("комплект", "комплектация", "зарядка", "зарядный"),
    ("график", "выходные", "часы", "открыты", "открываетесь", "работаете", "режим", "закрыты",
     "закрываетесь"),
    # A day is not the opening hours («привезёте в субботу?» is about delivery), but an entry
    # that says «ежедневно» or «без выходных» mentions it.
    ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
     "выходные", "будни", "ежедневно"),
    ("краденый", "ворованный", "кража", "украсть"),
    ("запах", "воняет", "пахнет", "вонь"),
    ("таблица", "сетка", "размерный"),
    ("аккумулятор", "батарея", "акб", "аккум"),
    ("подобрать", "подбор", "выбрать", "посоветовать", "порекомендовать"),
    ("наложенный", "наложка"),
    ("регион", "город", "область", "край"),
    ("состояние", "износ", "изношенный", "потрепанный"),
    ("пятно", "загрязнение", "испачкать", "запачкать"),
    ("вода", "влага", "утопленник", "утопить", "намокнуть", "мокнуть"),
    ("посмотреть", "вживую", "показать", "глянуть", "осмотреть"),
    ("материал", "ткань", "состав"),
    ("качество", "качественный", "надежный", "прочный"),
    ("встреча", "встретиться", "пересечься"),
    ("подарок", "подарочный", "презент"),
    ("опт", "оптом", "оптовый", "партия"),
    ("инструкция", "руководство", "мануал"),
    ("отзыв", "рейтинг", "репутация"),
    ("производство", "производитель", "фабрика", "завод"),
    ("зима", "зимний", "мороз"),
    ("лето", "летний", "жара"),
    ("стирка", "стирать", "постирать"),
    ("уход", "ухаживать", "чистка", "чистить", "почистить"),
    ("цвет", "оттенок", "расцветка"),
    # Services that come to the buyer (assembly, repair, installation, cleaning).
    ("выезд", "выезжать", "приезжать", "приехать", "ехать", "заехать"),
    ("район", "пригород", "город", "область"),
    ("мастер", "сборщик", "специалист", "монтажник"),
    ("повредить", "поцарапать", "сломать", "поломать"),
    ("инструмент", "шуруповерт", "отвертка", "дрель"),
    ("крепеж", "шуруп", "саморез", "винт", "болт", "дюбель"),
    ("мусор", "вывоз", "вывезти", "вынести"),
    ("записаться", "запись", "заявка", "вызвать", "вызов"),
    ("срочно", "срочный", "экстренно"),
    ("бу", "бушный", "подержанный", "контрактный", "ношеный"),
    ("установка", "установить", "устанавливать", "поставить", "ставить", "монтаж"),
    ("стоимость", "цена", "платный", "бесплатный", "бесплатно", "тариф", "расценка", "прайс"),
    ("мужчина", "мужской", "муж", "парень"),
    ("женщина", "женский", "жена", "девушка"),
    ("ребенок", "детский", "малыш", "сын", "дочь"),
    ("годность", "просрочка", "просроченный", "свежий"),
    ("пробник", "миниатюра", "тестер", "попробовать"),
    ("аллергия", "аллергик", "аллергический", "гипоаллергенный", "реакция", "раздражение"),
    ("состав", "ингредиент"),
    ("машина", "автомобиль", "авто", "тачка"),
    ("шина", "резина", "покрышка"),
)

Stemmer = Callable[[list[str]], Awaitable[dict[str, list[str]]]]


class Thesaurus:
    """The groups above as stems; `synonyms(stem)` -> {other stem: similarity}."""

    def __init__(self, groups: tuple[tuple[str, ...], ...] = GROUPS,
                 kept: int = SYNONYMS_KEPT) -> None:
        self._groups, self._kept = groups, kept
        self._stem_groups: list[set[str]] | None = None
        self._lock = asyncio.Lock()
        # Each stem's synonyms, once: finding them compares the stem with every group's words.
        self._synonyms: dict[str, dict[str, float]] = {}

    async def load(self, stem: Stemmer) -> None:
        """Stem every word once (the first search in the process pays for it)."""
        if self._stem_groups is not None:
            return
        async with self._lock:
            if self._stem_groups is None:
                words = sorted({w for group in self._groups for w in group})
                stems = await stem(words) if words else {}
                self._stem_groups = [{s for w in group for s in stems.get(w, [])}
                                     for group in self._groups]

    def synonyms(self, stem: str) -> Mapping[str, float]:
        if self._stem_groups is None:
            raise RuntimeError("Thesaurus.load() has not run")
        found = self._synonyms.get(stem)
        if found is None:
            if len(self._synonyms) >= self._kept:
                self._synonyms.clear()
            found = self._synonyms[stem] = self._lookup(stem, self._stem_groups)
        return found

    @staticmethod
    def _lookup(stem: str, stem_groups: list[set[str]]) -> dict[str, float]:
        found: dict[str, float] = {}
        for group in stem_groups:
            lookup = max((_same_word(stem, member) for member in group), default=0.0)
            for member in group:
                if lookup and member != stem:
                    found[member] = max(found.get(member, 0.0), SYNONYM_SIMILARITY * lookup)
        return found

    def expand(self, stems: list[str]) -> Mapping[str, Mapping[str, float]]:
        return {stem: self.synonyms(stem) for stem in stems}


def merged(*expansions: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Several thesauri's `expand` as one (the built-in and the seller's): the best of each."""
    out: dict[str, dict[str, float]] = {}
    for expansion in expansions:
        for stem, synonyms in expansion.items():
            mine = out.setdefault(stem, {})
            for other, sim in synonyms.items():
                mine[other] = max(mine.get(other, 0.0), sim)
    return out


def _same_word(stem: str, member: str) -> float:
    """How surely `stem` is a form of a group's word (or a typo of one); 0 when not. Short
    stems must match exactly: скол (a chip) is not скольк (how many)."""
    if stem == member:
        return 1.0
    if min(len(stem), len(member)) < 5:
        return 0.0
    sim = similarity(stem, member)
    return sim if sim >= 0.7 else 0.0
