"""OAuth2 against the emulator: client_credentials, the consent page, authorization_code,
rotating refresh tokens, scopes, and token expiry."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.emulators.avito.helpers import Avito, Start, bearer, credentials

REDIRECT = "https://partner.example/avito/callback?tenant=42"


async def test_token_is_issued_on_both_paths(avito: Avito) -> None:
    account = await avito.account()
    for path in ("/token", "/token/"):
        response = await avito.http.post(path, data=credentials(account))
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"access_token", "expires_in", "token_type"}
        assert body["token_type"] == "Bearer" and body["expires_in"] == 86400
        assert response.headers["x-ratelimit-limit"] == "600"


async def test_token_rejects_bad_secret_and_other_grants(avito: Avito) -> None:
    account = await avito.account()
    bad = await avito.http.post("/token", data=credentials(account, secret="wrong"))
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_client"
    grant = await avito.http.post("/token", data={**credentials(account), "grant_type": "password"})
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    # An account's own credentials are not a partner app's.
    code = await avito.http.post("/token", data={**credentials(account), "code": "x",
                                                 "grant_type": "authorization_code"})
    assert code.status_code == 400 and code.json()["error"] == "invalid_client"


async def test_missing_or_garbage_token_is_401(avito: Avito) -> None:
    for headers in ({}, {"Authorization": "Bearer garbage"}, {"Authorization": "Basic eDp5"}):
        response = await avito.http.get("/core/v1/accounts/self", headers=headers)
        assert response.status_code == 401
        assert response.json() == {"error": {"code": 401, "message": "Unauthorized"}}


async def test_expired_token_is_403_and_a_new_one_works(avito: Avito) -> None:
    seller = await avito.seller()
    assert (await avito.http.get("/core/v1/accounts/self", headers=seller.headers)).is_success
    await avito.advance(86400)
    expired = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
    assert expired.status_code == 403
    assert expired.json() == {"error": {"code": 403, "message": "Forbidden"}}
    fresh = bearer(await avito.token(seller.account))
    assert (await avito.http.get("/core/v1/accounts/self", headers=fresh)).is_success


async def test_expired_token_status_is_configurable(start: Start) -> None:
    avito = await start(expired_token_status=401, token_ttl_s=60)
    seller = await avito.seller()
    await avito.advance(61)
    response = await avito.http.get(seller.chats_path(), headers=seller.headers)
    assert response.status_code == 401


async def test_expire_tokens_fault_expires_every_token_now(avito: Avito) -> None:
    first, second = await avito.seller(), await avito.seller()
    snapshot = await avito.fault(expire_tokens=True)
    assert snapshot["expired_tokens"] == 2
    for seller in (first, second):
        response = await avito.http.get("/core/v1/accounts/self", headers=seller.headers)
        assert response.status_code == 403
    fresh = bearer(await avito.token(first.account))
    assert (await avito.http.get("/core/v1/accounts/self", headers=fresh)).is_success


async def test_other_accounts_user_id_is_403(avito: Avito) -> None:
    mine, theirs = await avito.seller(), await avito.seller()
    response = await avito.http.get(theirs.chats_path(), headers=mine.headers)
    assert response.status_code == 403


async def test_accounts_self(avito: Avito) -> None:
    seller = await avito.seller(name="Автосалон")
    body = (await avito.http.get("/core/v1/accounts/self", headers=seller.headers)).json()
    assert body["id"] == seller.user_id and body["name"] == "Автосалон"
    assert body["phones"] == [body["phone"]] and body["email"]
    assert body["profile_url"].startswith("https://avito.ru/user/")


async def register_app(avito: Avito, **extra: Any) -> dict[str, Any]:
    return await avito.ok("POST", "/_emulator/apps", json={"redirect_uri": REDIRECT, **extra})


def consent_url(app: dict[str, Any], **params: Any) -> dict[str, Any]:
    return {"response_type": "code", "pro_users_flow": "true", "client_id": app["client_id"],
            "scope": "messenger:read,messenger:write", "state": "csrf-1", **params}


def redirected(response: httpx.Response) -> dict[str, list[str]]:
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT.split("?")[0]
    return parse_qs(location.query)


async def exchange(avito: Avito, app: dict[str, Any], grant: str, **fields: str) -> httpx.Response:
    return await avito.http.post("/token", data={
        "grant_type": grant, "client_id": app["client_id"],
        "client_secret": app["client_secret"], **fields})


async def test_apps_are_registered_and_listed(avito: Avito) -> None:
    app = await register_app(avito, name="CRM", client_id="crm-app")
    assert app["client_id"] == "crm-app" and app["client_secret"] and app["name"] == "CRM"
    assert (await avito.control("/apps"))["apps"] == [app]
    taken = await avito.http.post("/_emulator/apps", json={"redirect_uri": REDIRECT,
                                                           "client_id": "crm-app"})
    assert taken.status_code == 409
    bad = await avito.http.post("/_emulator/apps", json={"redirect_uri": "not a url"})
    assert bad.status_code == 422


async def test_the_same_app_registered_again_takes_its_new_redirect(avito: Avito) -> None:
    """A restarted dev stack registers its partner app again, perhaps on another port."""
    app = await register_app(avito, client_id="dev-app", client_secret="s3cret-dev")
    moved = "https://partner.example/elsewhere/cb"
    again = await avito.ok("POST", "/_emulator/apps", json={
        "redirect_uri": moved, "client_id": "dev-app", "client_secret": "s3cret-dev"})
    assert again == {**app, "redirect_uri": moved}
    assert [a for a in (await avito.control("/apps"))["apps"]
            if a["client_id"] == "dev-app"] == [again]
    other = await avito.http.post("/_emulator/apps", json={
        "redirect_uri": moved, "client_id": "dev-app", "client_secret": "not-the-secret"})
    assert other.status_code == 409


async def test_consent_page_redirects_with_code_and_state(avito: Avito) -> None:
    app, seller = await register_app(avito), await avito.seller()
    response = await avito.http.get("/oauth", params=consent_url(app, user_id=seller.user_id))
    query = redirected(response)
    assert query["state"] == ["csrf-1"] and query["tenant"] == ["42"]
    token = await exchange(avito, app, "authorization_code", code=query["code"][0])
    assert token.status_code == 200, token.text
    body = token.json()
    assert set(body) == {"access_token", "expires_in", "refresh_token", "scope", "token_type"}
    assert body["scope"] == "messenger:read,messenger:write" and body["expires_in"] == 86400
    chats = await avito.http.get(seller.chats_path(), headers=bearer(body["access_token"]))
    assert chats.status_code == 200


async def test_consent_page_uses_the_session_user_or_offers_a_choice(avito: Avito) -> None:
    app, seller = await register_app(avito), await avito.seller(name="Салон")
    chooser = await avito.http.get("/oauth", params=consent_url(app))
    assert chooser.status_code == 200 and "Салон" in chooser.text
    assert f"user_id={seller.user_id}" in chooser.text
    await avito.ok("POST", "/_emulator/oauth/session", json={"user_id": seller.user_id})
    code = redirected(await avito.http.get("/oauth", params=consent_url(app)))["code"][0]
    token = (await exchange(avito, app, "authorization_code", code=code)).json()
    me = await avito.http.get(seller.chats_path(), headers=bearer(token["access_token"]))
    assert me.status_code == 200


async def test_consent_page_errors(avito: Avito) -> None:
    app, seller = await register_app(avito), await avito.seller()
    unknown = await avito.http.get("/oauth", params={**consent_url(app), "client_id": "nope"})
    assert unknown.status_code == 400 and "text/html" in unknown.headers["content-type"]
    elsewhere = await avito.http.get("/oauth", params=consent_url(
        app, user_id=seller.user_id, redirect_uri="https://evil.example/cb"))
    assert elsewhere.status_code == 400
    for params, error in (({"scope": "messenger:read,everything"}, "invalid_scope"),
                          ({"scope": "messenger:read messenger:write"}, "invalid_scope"),
                          ({"response_type": "token"}, "unsupported_response_type"),
                          ({"deny": "true"}, "access_denied")):
        response = await avito.http.get("/oauth", params=consent_url(
            app, user_id=seller.user_id, **params))
        query = redirected(response)
        assert query["error"] == [error] and query["state"] == ["csrf-1"] and "code" not in query


async def test_codes_are_single_use_expire_and_belong_to_their_app(avito: Avito) -> None:
    app, other, seller = await register_app(avito), await register_app(avito), await avito.seller()

    async def code() -> str:
        body = {"client_id": app["client_id"], "user_id": seller.user_id, "state": "s"}
        authorized = await avito.ok("POST", "/_emulator/oauth/authorize", json=body)
        assert parse_qs(urlsplit(authorized["redirect_url"]).query)["code"] == [authorized["code"]]
        return str(authorized["code"])

    used = await code()
    assert (await exchange(avito, app, "authorization_code", code=used)).status_code == 200
    again = await exchange(avito, app, "authorization_code", code=used)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    stale = await code()
    await avito.advance(601)
    expired = await exchange(avito, app, "authorization_code", code=stale)
    assert expired.json()["error"] == "invalid_grant"
    foreign = await exchange(avito, other, "authorization_code", code=await code())
    assert foreign.json()["error"] == "invalid_grant"
    missing = await exchange(avito, app, "authorization_code")
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


async def test_refresh_tokens_rotate_and_are_single_use(avito: Avito) -> None:
    app, seller = await register_app(avito), await avito.seller()
    code = (await avito.ok("POST", "/_emulator/oauth/authorize", json={
        "client_id": app["client_id"], "user_id": seller.user_id}))["code"]
    first = (await exchange(avito, app, "authorization_code", code=code)).json()
    await avito.advance(86_400)
    refreshed = await exchange(avito, app, "refresh_token", refresh_token=first["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"] and second["scope"] == first["scope"]
    assert (await avito.http.get(seller.chats_path(),
                                 headers=bearer(second["access_token"]))).status_code == 200
    reused = await exchange(avito, app, "refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    third = await exchange(avito, app, "refresh_token", refresh_token=second["refresh_token"])
    assert third.status_code == 200
    other = await register_app(avito)
    stolen = await exchange(avito, other, "refresh_token",
                            refresh_token=third.json()["refresh_token"])
    assert stolen.json()["error"] == "invalid_grant"


async def test_authorization_code_tokens_are_limited_to_their_scopes(avito: Avito) -> None:
    app, seller = await register_app(avito), await avito.seller(items=[{"title": "Шкаф",
                                                                        "price": 5000}])
    code = (await avito.ok("POST", "/_emulator/oauth/authorize", json={
        "client_id": app["client_id"], "user_id": seller.user_id,
        "scope": "messenger:read"}))["code"]
    token = (await exchange(avito, app, "authorization_code", code=code)).json()
    headers = bearer(token["access_token"])
    assert (await avito.http.get(seller.chats_path(), headers=headers)).status_code == 200
    chat_id = (await avito.incoming(seller))["chat_id"]
    send = await avito.http.post(seller.send_path(chat_id), headers=headers,
                                 json={"message": {"text": "hi"}, "type": "text"})
    assert send.status_code == 403
    assert send.json() == {"error": {"code": 403, "message": "Forbidden"}}
    for path in ("/core/v1/accounts/self", "/core/v1/items"):
        assert (await avito.http.get(path, headers=headers)).status_code == 403
    bad = await avito.http.post("/_emulator/oauth/authorize", json={
        "client_id": app["client_id"], "user_id": seller.user_id, "scope": "root"})
    assert bad.status_code == 422
