"""The statistics endpoints' answers validated against Avito's own OpenAPI documents (item.json,
user.json, cpa.json in ../shared/research/avito-openapi, reference data kept beside the project,
never copied in): 200 bodies, Avito's 400, and the 429 bodies the documents declare."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.emulators.avito.helpers import Avito, Seller
from tests.emulators.avito.test_stats import ITEMS, NOW, SPAN, post

DOCS = Path(__file__).resolve().parents[3].parent / "shared" / "research" / "avito-openapi"
pytestmark = pytest.mark.skipif(not DOCS.is_dir(), reason=f"Avito's OpenAPI documents not at {DOCS}")


@pytest.fixture
async def avito(start: Any) -> Avito:
    return await start(seed=7, time_source=lambda: NOW)


@cache
def _document(name: str) -> dict[str, Any]:
    return dict(json.loads((DOCS / name).read_text()))


def _resolved(doc: dict[str, Any], node: Any) -> Any:
    """The schema with every local $ref replaced by what it points at."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolved(doc, target)
        return {k: _resolved(doc, v) for k, v in node.items() if k not in ("example", "examples")}
    if isinstance(node, list):
        return [_resolved(doc, v) for v in node]
    return node


def check(document: str, path: str, method: str, status: int, body: Any) -> None:
    doc = _document(document)
    response = doc["paths"][path][method]["responses"][str(status)]
    schema = _resolved(doc, response)["content"]["application/json"]["schema"]
    jsonschema.validate(body, schema)


async def test_answers_match_the_documents(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS, balance={"real": 10.5, "bonus": 0, "cpa": -5000})
    user, item_doc = seller.user_id, "item.json"
    cases: list[tuple[str, str, str, dict[str, Any]]] = [
        (item_doc, "/stats/v1/accounts/{user_id}/items", f"/stats/v1/accounts/{user}/items",
         {**SPAN, "itemIds": [1000, 1001], "fields": ["uniqViews", "views"],
          "periodGrouping": "week"}),
        (item_doc, "/stats/v2/accounts/{user_id}/items", f"/stats/v2/accounts/{user}/items",
         {**SPAN, "metrics": ["views", "contacts", "presenceSpending"], "grouping": "item",
          "limit": 100, "offset": 0, "sort": {"key": "views", "order": "asc"}}),
        (item_doc, "/stats/v2/accounts/{user_id}/spendings",
         f"/stats/v2/accounts/{user}/spendings",
         {**SPAN, "spendingTypes": ["all", "promotion", "presence"], "grouping": "day"}),
        (item_doc, "/core/v1/accounts/{user_id}/calls/stats/",
         f"/core/v1/accounts/{user}/calls/stats/", SPAN),
        ("cpa.json", "/cpa/v3/balanceInfo", "/cpa/v3/balanceInfo", {}),
    ]
    for document, template, path, body in cases:
        response = await post(avito, seller, path, body, **{"X-Source": "tests"})
        assert response.status_code == 200, (path, response.text)
        check(document, template, "post", 200, response.json())
    wallet = await avito.http.get(f"/core/v1/accounts/{user}/balance/", headers=seller.headers)
    check("user.json", "/core/v1/accounts/{user_id}/balance/", "get", 200, wallet.json())
    await _refusals(avito, seller)


async def _refusals(avito: Avito, seller: Seller) -> None:
    """400 where the documents declare it; 429 of the 1/min endpoints (called just above)."""
    user = seller.user_id
    bad = await post(avito, seller, f"/stats/v1/accounts/{user}/items", {"itemIds": []})
    assert bad.status_code == 400
    check("item.json", "/stats/v1/accounts/{user_id}/items", "post", 400, bad.json())
    for document, template, path, body in (
            ("item.json", "/stats/v2/accounts/{user_id}/spendings",
             f"/stats/v2/accounts/{user}/spendings",
             {**SPAN, "spendingTypes": ["all"], "grouping": "day"}),
            ("cpa.json", "/cpa/v3/balanceInfo", "/cpa/v3/balanceInfo", {})):
        limited = await post(avito, seller, path, body, **{"X-Source": "tests"})
        assert limited.status_code == 429
        check(document, template, "post", 429, limited.json())
