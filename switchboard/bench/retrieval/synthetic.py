"""A 1,000-entry FAQ for the retrieval latency figure: the three shops' entries plus generated
ones about a marketplace catalogue (product × topic × detail), seeded, so every run searches the
same knowledge base. The generated entries are there for size and vocabulary, not meaning."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence

from switchboard.bench.retrieval.evalset import Shop

SIZE = 1000
SEED = 15

PRODUCTS = (
    "смартфон", "ноутбук", "планшет", "наушники", "телевизор", "холодильник", "стиральная машина",
    "пылесос", "микроволновка", "кофемашина", "диван", "кресло", "кровать", "матрас", "шкаф",
    "комод", "стол", "стул", "детская куртка", "комбинезон", "пижама", "школьный костюм",
    "кроссовки", "зимние ботинки", "рюкзак", "коляска", "велосипед", "самокат", "палатка",
    "лодка", "шины", "диски", "аккумулятор для авто", "видеорегистратор", "перфоратор",
    "шуруповёрт", "газонокосилка", "люстра", "ковёр", "штора",
)
TOPICS = (
    ("Есть ли {p} в наличии на складе в {c}?", "Да, {p} есть на складе в {c}, отгрузка за {n} дня."),
    ("Сколько стоит доставка товара «{p}» в {c}?", "Доставка товара «{p}» в {c} — от {m} ₽."),
    ("Какая гарантия на {p}?", "На {p} гарантия {n} месяцев от производителя."),
    ("Можно ли вернуть {p} после покупки?", "{p} можно вернуть в течение {n} дней с чеком."),
    ("Какие размеры у модели «{p}»?", "Размеры модели «{p}» указаны в карточке, допуск {n} мм."),
    ("Из какого материала {p}?", "{p} сделан из материалов класса {n}, сертификат есть."),
    ("Есть ли скидка на {p} при самовывозе из {c}?", "При самовывозе из {c} скидка на {p} — {n} %."),
    ("Можно ли купить {p} в рассрочку?", "Да, {p} в рассрочку на {n} месяцев без переплаты."),
    ("Сколько весит {p}?", "{p} весит около {n} кг в упаковке."),
    ("Как ухаживать за товаром «{p}»?", "Уход за товаром «{p}»: раз в {n} недель сухой салфеткой."),
    ("Какой срок службы у товара «{p}»?", "Срок службы товара «{p}» — не менее {n} лет."),
    ("Входит ли установка в цену товара «{p}»?", "Установка товара «{p}» в {c} — {m} ₽ отдельно."),
    ("Можно ли обменять {p} на другую модель?", "{p} можно обменять в течение {n} дней."),
    ("Как проверить {p} при получении в {c}?", "В {c} {p} проверяете при курьере {n} минут."),
    ("Есть ли {p} в другом цвете?", "{p} бывает в {n} цветах, фото в объявлении."),
)
CITIES = ("Москве", "Казани", "Самаре", "Перми", "Уфе", "Туле", "Твери", "Сочи", "Омске",
          "Томске", "Воронеже", "Ярославле", "Иркутске", "Челябинске", "Тюмени")


def thousand_entries(shops: Sequence[Shop], size: int = SIZE) -> bytes:
    """The shops' entries, then generated ones up to `size`, as a «вопрос;ответ» CSV."""
    rows = [(e.question, e.answer) for shop in shops for e in shop.entries]
    seen = {q for q, _ in rows}
    rng = random.Random(SEED)
    while len(rows) < size:
        question, answer = rng.choice(TOPICS)
        values = {"p": rng.choice(PRODUCTS), "c": rng.choice(CITIES),
                  "n": rng.randint(2, 36), "m": rng.randrange(300, 5000, 50)}
        q = question.format(**values)
        if q not in seen:
            seen.add(q)
            rows.append((q, answer.format(**values)))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["вопрос", "ответ"])
    writer.writerows(rows)
    return out.getvalue().encode()
