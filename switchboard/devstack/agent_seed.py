"""The sandbox shop's AI agent: a small Russian FAQ uploaded through the knowledge REST endpoint
and the agent enabled for the sandbox channel in FAQ mode (no LLM: the sandbox default)."""

from __future__ import annotations

import csv
import io

import httpx

# Question;answer pairs a small shop would write; the buyer's "а доставка в Казань есть?"
# finds the first one.
SANDBOX_FAQ = [
    ("Есть ли доставка в Казань?",
     "Да, в Казань отправляем СДЭК и Авито Доставкой: 2–4 дня, от 450 ₽ в зависимости от веса."),
    ("Доставляете ли вы по Москве?",
     "Да, по Москве в пределах МКАД привозим курьером на следующий день, стоимость 500 ₽."),
    ("Можно ли забрать самовывозом?",
     "Да, самовывоз из пункта выдачи у метро Савёловская, ежедневно с 10:00 до 20:00."),
    ("Товар в наличии?",
     "Если объявление активно — товар в наличии и готов к отправке в день оплаты."),
    ("Какие способы оплаты?",
     "Оплата через Авито Доставку, переводом на карту или наличными при самовывозе."),
    ("Есть ли гарантия?",
     "Да, 14 дней на проверку: если что-то не так — вернём деньги или заменим товар."),
    ("Можно ли вернуть товар?",
     "Да, в течение 14 дней, если сохранены вид и комплектация; пересылку оплачивает покупатель."),
    ("Торг уместен?",
     "Цена указана окончательная, но при покупке нескольких товаров сделаем скидку."),
]


def faq_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["вопрос", "ответ"])
    writer.writerows(SANDBOX_FAQ)
    return out.getvalue().encode()


async def enable_sandbox_agent(http: httpx.AsyncClient, gateway_url: str, api_key: str,
                               channel_id: str) -> None:
    """Upload the FAQ, then turn the agent on for this channel only (an override)."""
    headers = {"Authorization": f"Bearer {api_key}"}
    (await http.post(f"{gateway_url}/v1/agent/knowledge/documents", headers=headers,
                     files=[("files", ("sandbox-faq.csv", faq_csv(), "text/csv"))])
     ).raise_for_status()
    (await http.put(f"{gateway_url}/v1/agent/settings", headers=headers,
                    params={"channel_id": channel_id}, json={"enabled": True})
     ).raise_for_status()
