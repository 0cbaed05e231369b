"""The knowledge base through the public API of the whole platform (REST and GraphQL)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from switchboard.cli import main
from tests.fixtures.platform import RunningPlatform, Tenant

FAQ = ("вопрос;ответ\nЕсть ли доставка в Казань?;Да, в Казань отправляем СДЭК за 2–4 дня.\n"
       "Уместен ли торг?;Небольшой торг при самовывозе.\n").encode("cp1251")
NOTES = "# Гарантия\nНа новые товары 12 месяцев.\n".encode()
MB = 1024 * 1024


async def _upload(tenant: Tenant, *files: tuple[str, bytes, str]) -> httpx.Response:
    return await tenant.http.post("/v1/agent/knowledge/documents",
                                  files=[("files", file) for file in files])


async def _read_only(tenant: Tenant, gateway_url: str) -> httpx.AsyncClient:
    resp = await tenant.http.post("/v1/api-keys", json={"name": "reader", "scopes": ["read"]})
    assert resp.status_code == 201, resp.text
    return httpx.AsyncClient(base_url=gateway_url, timeout=15,
                             headers={"Authorization": f"Bearer {resp.json()['key']}"})


async def test_upload_list_search_reindex_delete(platform: RunningPlatform) -> None:
    tenant = await platform.new_tenant("Knowledge shop")
    resp = await _upload(tenant, ("faq.csv", FAQ, "text/csv"), ("notes.md", NOTES, "text/markdown"),
                         ("prices.csv", "Товар;Цена\n".encode(), "text/csv"),
                         ("huge.txt", b"a" * (20 * MB + 1), "text/plain"))
    assert resp.status_code == 207, resp.text
    body = resp.json()
    assert (body["stored"], body["rejected"]) == (2, 2)
    faq, notes, prices, huge = body["results"]
    assert faq["outcome"] == "created" and faq["document"]["kind"] == "faq_csv"
    assert faq["document"]["status"] == "indexed" and faq["document"]["chunk_count"] == 2
    assert notes["document"]["kind"] == "markdown"
    assert prices["outcome"] == "rejected" and "no question/answer columns" in prices["error"]
    assert huge == {"name": "huge.txt", "outcome": "rejected", "document": None,
                    "error": "the file is larger than 20 MB"}

    again = (await _upload(tenant, ("faq-copy.csv", FAQ, "text/csv"))).json()["results"][0]
    assert again["outcome"] == "replaced" and again["document"]["id"] == faq["document"]["id"]

    listed = (await tenant.http.get("/v1/agent/knowledge/documents")).json()
    assert sorted(d["name"] for d in listed["items"]) == ["faq-copy.csv", "notes.md"]
    hits = (await tenant.http.get("/v1/agent/knowledge/search",
                                  params={"q": "а доставка в Казань есть?"})).json()["hits"]
    assert hits[0]["question"] == "Есть ли доставка в Казань?" and hits[0]["score"] >= 0.9
    assert hits[0]["kind"] == "faq" and hits[0]["document_name"] == "faq-copy.csv"

    reindexed = (await tenant.http.post("/v1/agent/knowledge/reindex", json={})).json()["results"]
    assert {r["document"]["status"] for r in reindexed} == {"indexed"} and len(reindexed) == 2
    assert (await tenant.http.delete(
        f"/v1/agent/knowledge/documents/{faq['document']['id']}")).status_code == 204
    gone = await tenant.http.delete(f"/v1/agent/knowledge/documents/{faq['document']['id']}")
    assert gone.status_code == 404
    assert gone.headers["content-type"].startswith("application/problem+json")


async def test_scopes_and_tenants(platform: RunningPlatform) -> None:
    owner = await platform.new_tenant("Owner")
    other = await platform.new_tenant("Other")
    await _upload(owner, ("faq.csv", FAQ, "text/csv"))
    async with await _read_only(owner, platform.gateway_url) as reader:
        denied = await reader.post("/v1/agent/knowledge/documents",
                                   files=[("files", ("faq.csv", FAQ, "text/csv"))])
        assert denied.status_code == 403
        assert (await reader.get("/v1/agent/knowledge/search", params={"q": "торг"})).json()["hits"]
    assert (await other.http.get("/v1/agent/knowledge/search", params={"q": "торг"})).json() == \
        {"query": "торг", "hits": []}
    assert (await other.http.get("/v1/agent/knowledge/documents")).json()["items"] == []
    bad = await owner.http.get("/v1/agent/knowledge/search", params={"q": ""})
    assert bad.status_code == 422


async def test_graphql(platform: RunningPlatform) -> None:
    tenant = await platform.new_tenant("GraphQL shop")
    await _upload(tenant, ("faq.csv", FAQ, "text/csv"), ("notes.md", NOTES, "text/markdown"))
    query = """{ knowledgeDocuments(first: 1) { edges { node { id name kind status chunkCount } }
                                                pageInfo { hasNextPage endCursor } }
                 searchKnowledge(query: "торг возможен?", limit: 1) {
                   kind question answer score documentName } }"""
    data = (await tenant.http.post("/graphql", json={"query": query})).json()["data"]
    assert data["knowledgeDocuments"]["pageInfo"]["hasNextPage"] is True
    assert data["knowledgeDocuments"]["edges"][0]["node"]["status"] == "INDEXED"
    assert data["searchKnowledge"][0]["question"] == "Уместен ли торг?"
    assert data["searchKnowledge"][0]["kind"] == "FAQ"

    node = data["knowledgeDocuments"]["edges"][0]["node"]
    mutation = "mutation($id: ID!) { deleteKnowledgeDocument(id: $id) }"
    deleted = (await tenant.http.post("/graphql", json={"query": mutation,
                                                        "variables": {"id": node["id"]}})).json()
    assert deleted["data"]["deleteKnowledgeDocument"] is True
    again = (await tenant.http.post("/graphql", json={"query": mutation,
                                                      "variables": {"id": node["id"]}})).json()
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    bad = (await tenant.http.post("/graphql", json={
        "query": '{ searchKnowledge(query: "x", limit: 500) { score } }'})).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_cli_upload_shows_progress_and_fails_on_rejects(
        platform: RunningPlatform, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tenant = await platform.new_tenant("CLI shop")
    (tmp_path / "faq.csv").write_bytes(FAQ)
    (tmp_path / "notes.md").write_bytes(NOTES)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    args = ["knowledge", "upload", str(tmp_path / "faq.csv"), str(tmp_path / "notes.md"),
            str(tmp_path / "photo.jpg"), "--api-url", platform.gateway_url,
            "--api-key", tenant.api_key]
    with pytest.raises(SystemExit) as exit_:
        await asyncio.to_thread(main, args)
    assert exit_.value.code == 1
    out = capsys.readouterr().out.splitlines()
    assert "[1/3] faq.csv: created — 2 chunks, indexed" in out
    assert "[2/3] notes.md: created — 1 chunks, indexed" in out
    assert out[-1].startswith("[3/3] photo.jpg: rejected — unsupported file type .jpg")
    listed = (await tenant.http.get("/v1/agent/knowledge/documents")).json()["items"]
    assert sorted(d["name"] for d in listed) == ["faq.csv", "notes.md"]
