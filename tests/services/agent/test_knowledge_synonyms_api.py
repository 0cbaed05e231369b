"""The seller's synonym groups through the public API of the whole platform: REST (with the
refusals as problem+json, scopes and tenants) and GraphQL; a group changes what search finds."""

from __future__ import annotations

import httpx

from tests.fixtures.platform import RunningPlatform

FAQ = ("вопрос;ответ\nЕсть ли раскладные диваны?;Да, несколько моделей с механизмом.\n"
       "Сколько стоит доставка?;500 рублей по городу.\n").encode()
URL = "/v1/agent/knowledge/synonyms"


async def test_rest_groups_change_what_search_finds(platform: RunningPlatform) -> None:
    tenant = await platform.new_tenant("Sofa shop")
    other = await platform.new_tenant("Other sofa shop")
    await tenant.http.post("/v1/agent/knowledge/documents",
                           files=[("files", ("faq.csv", FAQ, "text/csv"))])

    async def found() -> list[str]:
        hits = (await tenant.http.get("/v1/agent/knowledge/search",
                                      params={"q": "еврокнижки есть?"})).json()["hits"]
        return [h["question"] for h in hits]

    assert await found() == []
    created = await tenant.http.post(URL, json={"words": ["Еврокнижка", "раскладной диван"]})
    assert created.status_code == 201, created.text
    group = created.json()
    assert group["words"] == ["еврокнижка", "раскладной диван"]
    assert (await found())[0] == "Есть ли раскладные диваны?"
    assert (await tenant.http.get(URL)).json()["items"] == [group]
    assert (await other.http.get(URL)).json() == {"items": []}
    assert (await other.http.delete(f"{URL}/{group['id']}")).status_code == 404

    replaced = await tenant.http.put(f"{URL}/{group['id']}",
                                     json={"words": ["еврокнижка", "диван-книжка"]})
    assert replaced.status_code == 200 and replaced.json()["words"][1] == "диван-книжка"
    assert (await tenant.http.delete(f"{URL}/{group['id']}")).status_code == 204
    assert await found() == []
    gone = await tenant.http.put(f"{URL}/{group['id']}", json={"words": ["а", "б"]})
    assert gone.status_code == 404


async def test_rest_refusals_name_the_problem(platform: RunningPlatform) -> None:
    tenant = await platform.new_tenant("Strict sofa shop")
    for words, detail in ((["симка"], "at least 2 different words"),
                          (["симка", ""], "must not be empty"),
                          ([f"w{i}" for i in range(21)], "at most 20 words")):
        bad = await tenant.http.post(URL, json={"words": words})
        assert bad.status_code == 422, bad.text
        assert bad.headers["content-type"] == "application/problem+json"
        assert bad.json()["type"] == "/problems/synonym-group-invalid"
        assert detail in bad.json()["detail"]
    resp = await tenant.http.post("/v1/api-keys", json={"name": "r", "scopes": ["knowledge:read"]})
    assert resp.status_code == 201, resp.text
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=15, headers={
            "Authorization": f"Bearer {resp.json()['key']}"}) as reader:
        assert (await reader.get(URL)).status_code == 200
        denied = await reader.post(URL, json={"words": ["симка", "sim"]})
        assert denied.status_code == 403


async def test_graphql_groups(platform: RunningPlatform) -> None:
    tenant = await platform.new_tenant("GraphQL sofa shop")

    async def graphql(query: str, **variables: object) -> dict[str, object]:
        resp = await tenant.http.post("/graphql", json={"query": query, "variables": variables})
        return resp.json()  # type: ignore[no-any-return]

    put = "mutation($w: [String!]!, $id: ID) { putSynonymGroup(words: $w, id: $id) { id words } }"
    created = (await graphql(put, w=["Симка", "сим-карта", "sim"]))["data"]
    group = created["putSynonymGroup"]  # type: ignore[index]
    assert group["words"] == ["симка", "сим-карта", "sim"]
    listed = await graphql("{ synonymGroups { id words createdAt } }")
    assert [g["id"] for g in listed["data"]["synonymGroups"]] == [group["id"]]  # type: ignore[index]
    bad = await graphql(put, w=["симка"], id=group["id"])
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # type: ignore[index]
    assert bad["errors"][0]["extensions"]["problem"] == "synonym-group-invalid"  # type: ignore[index]
    delete = "mutation($id: ID!) { deleteSynonymGroup(id: $id) }"
    assert (await graphql(delete, id=group["id"]))["data"] == {"deleteSynonymGroup": True}
    again = await graphql(delete, id=group["id"])
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
    assert (await graphql("{ synonymGroups { id } }"))["data"] == {"synonymGroups": []}
