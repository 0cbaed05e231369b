"""The agent's "done means", driven like a seller and a buyer through the whole platform over
HTTP: the FAQ answers a buyer after the silence window, asking for a person moves the
conversation to the managers with a note, and with an LLM endpoint configured the reply comes
from the model, grounded on the knowledge base (the LLM emulator, the real openai client)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from switchboard.devstack.agent_seed import SANDBOX_FAQ, enable_sandbox_agent
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow

FAQ = Path(__file__).resolve().parents[1] / "fixtures" / "agent" / "faq_ru.csv"
KAZAN_ANSWER = "Да, в Казань отправляем через СДЭК и Авито Доставку"


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Agent seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


@pytest.fixture
async def llm(platform: RunningPlatform) -> httpx.AsyncClient:
    """The session's LLM emulator (the agent's allowlist names it), reset."""
    (await platform.llm.post("/_emulator/reset")).raise_for_status()
    return platform.llm


async def enable_agent(seller: Tenant, shop: SandboxShop, **settings: Any) -> dict[str, Any]:
    """The FAQ uploaded, the agent on; this shop's silence window shortened to 1 s."""
    upload = await seller.http.post("/v1/agent/knowledge/documents", files=[
        ("files", ("faq.csv", FAQ.read_bytes(), "text/csv"))])
    assert upload.status_code == 207 and upload.json()["stored"] == 1, upload.text
    tenant = await seller.http.put("/v1/agent/settings", json={"enabled": True, **settings})
    assert tenant.status_code == 200, tenant.text
    override = await seller.http.put("/v1/agent/settings", params={"channel_id": shop.channel["id"]},
                                     json={"silence_window_s": 1})
    assert override.status_code == 200, override.text
    assert override.json()["effective"]["silence_window_s"] == 1
    return override.json()


async def conversation(seller: Tenant, chat_id: str) -> dict[str, Any] | None:
    items = (await seller.http.get("/v1/conversations")).json()["items"]
    return next((c for c in items if c["external_chat_id"] == chat_id), None)


async def arrived(platform: RunningPlatform, shop: SandboxShop, text: str) -> dict[str, Any]:
    async def sent() -> dict[str, Any] | None:
        return next((s for s in await platform.sent(shop) if text in s["text"]), None)
    return await eventually(sent, within=20)


async def test_faq_answer_after_the_silence_then_a_person_on_request(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    view = await enable_agent(seller, shop)
    assert view["effective"]["model"] == "" and not view["effective"]["api_key_set"]  # FAQ mode
    wrote = await platform.buyer_writes(shop, "а доставка в Казань есть?")
    reply = await arrived(platform, shop, KAZAN_ANSWER)
    assert reply["chat_id"] == wrote["chat_id"]
    conv = await conversation(seller, wrote["chat_id"])
    assert conv is not None and conv["mode"] == "bot"

    await platform.buyer_writes(shop, "Спасибо. Позовите, пожалуйста, менеджера",
                                chat_id=wrote["chat_id"])

    async def handed_over() -> dict[str, Any] | None:
        current = await conversation(seller, wrote["chat_id"])
        return current if current and current["mode"] == "manager" else None
    conv = await eventually(handed_over, within=20)
    messages = (await seller.http.get(f"/v1/conversations/{conv['id']}/messages")).json()["items"]
    notes = [m for m in messages if m["content_type"] == "note"]
    assert len(notes) == 1 and "менеджер" in notes[0]["text"]
    assert not any("Причина" in s["text"] for s in await platform.sent(shop))  # notes stay home

    audit = (await seller.http.get("/v1/agent/audit", params={"conversation_id": conv["id"]})).json()
    assert [e["outcome"] for e in audit["items"]] == ["handoff", "reply"]
    assert audit["items"][1]["chunk_ids"] and audit["items"][1]["mode"] == "faq"
    usage = (await seller.http.get("/v1/agent/usage")).json()
    assert usage["replies"] == 1 and usage["handoffs"] == 1


async def test_with_an_llm_the_reply_comes_from_the_model_grounded_on_the_knowledge(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop,
        llm: httpx.AsyncClient) -> None:
    await llm.post("/_emulator/rules", json=[
        {"priority": 1, "match": {"has_tool_result": "search_knowledge"},
         "reply": {"content": "Подсказываю по базе знаний: {tool_result:search_knowledge}"}},
        {"reply": {"tool_calls": [{"name": "search_knowledge",
                                   "arguments": {"query": "{last_user}"}}]}}])
    base_url = str(llm.base_url).rstrip("/") + "/v1"
    view = await enable_agent(seller, shop, base_url=base_url, model="sandbox-chat",
                              api_key="sk-sandbox")
    assert view["effective"]["api_key_set"] and "sk-sandbox" not in str(view)

    preview = (await seller.http.post("/v1/agent/preview",
                                      json={"question": "в казань везёте?"})).json()
    assert preview["outcome"] == "reply" and preview["mode"] == "llm"
    assert KAZAN_ANSWER in preview["reply"]

    await platform.buyer_writes(shop, "Здравствуйте! Доставите до Казани?")
    reply = await arrived(platform, shop, "Подсказываю по базе знаний")
    assert KAZAN_ANSWER in reply["text"]
    requests = (await llm.get("/_emulator/requests", params={"endpoint": "chat"})).json()["requests"]
    assert requests and all(r["model"] == "sandbox-chat" for r in requests)
    graphql = await seller.http.post("/graphql", json={"query": (
        "{ agentSettings { effective { enabled model apiKeySet limits { maxReplyChars } } } }")})
    effective = graphql.json()["data"]["agentSettings"]["effective"]
    assert effective == {"enabled": True, "model": "sandbox-chat", "apiKeySet": True,
                         "limits": {"maxReplyChars": 1000}}


async def test_the_dev_stacks_sandbox_agent_answers_from_its_faq(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    """What `switchboard dev` seeds: the sandbox FAQ and the agent on for the sandbox channel."""
    await enable_sandbox_agent(seller.http, platform.gateway_url, seller.api_key,
                               shop.channel["id"])
    view = (await seller.http.get("/v1/agent/settings",
                                  params={"channel_id": shop.channel["id"]})).json()
    assert view["effective"]["enabled"] and not view["tenant"]["enabled"]
    assert view["overridden_fields"] == ["enabled"]
    await seller.http.put("/v1/agent/settings", params={"channel_id": shop.channel["id"]},
                          json={"silence_window_s": 1})  # rather than wait the default 20 s
    await platform.buyer_writes(shop, "а доставка в Казань есть?")
    reply = await arrived(platform, shop, "в Казань отправляем")
    assert dict(SANDBOX_FAQ)["Есть ли доставка в Казань?"] == reply["text"]
