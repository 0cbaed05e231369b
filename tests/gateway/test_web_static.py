"""The gateway serves the built web inbox (gateway/web.py): index.html for every client route
with the page's CSP, hashed assets cached for a year, the API's paths never shadowed, and a page
saying to run `make web` when nothing is built. No platform needed: these routes touch no state."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.config import GatewaySettings
from gateway.security_headers import STRICT_POLICY
from gateway.web import IMMUTABLE, WEB_POLICY, default_dist, web_policy

INDEX = '<!doctype html><script type="module" src="/assets/index-abc.js"></script>'


def _client(dist: Path, **settings: str) -> httpx.AsyncClient:
    app = create_app(GatewaySettings(web_dist_dir=str(dist), **settings))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    return tmp_path


@pytest.mark.parametrize("path", ["/", "/login", "/inbox", "/inbox/0f3c", "/channels", "/ai",
                                  "/team", "/reports", "/canned", "/integrations", "/invite/ab.cd",
                                  "/reset-password/ab.cd"])
async def test_every_client_route_gets_the_app_with_its_policy(dist: Path, path: str) -> None:
    async with _client(dist) as http:
        resp = await http.get(path)
    assert resp.status_code == 200 and resp.text == INDEX
    assert resp.headers["content-type"].startswith("text/html")
    assert resp.headers["cache-control"] == "no-cache"
    assert resp.headers["content-security-policy"] == WEB_POLICY
    assert resp.headers["x-frame-options"] == "DENY"
    # Scripts, styles and API calls from this origin only: nothing from the internet.
    for directive in ("script-src 'self'", "style-src 'self'", "connect-src 'self'"):
        assert f"{directive};" in WEB_POLICY


async def test_the_sandbox_emulators_pictures_may_load(dist: Path) -> None:
    """Its listing pictures and files come over HTTP from its own origin (no internet)."""
    async with _client(dist, avito_sandbox_url="http://127.0.0.1:8090/") as http:
        policy = (await http.get("/inbox")).headers["content-security-policy"]
    assert policy == web_policy("http://127.0.0.1:8090")
    assert "img-src 'self' data: https: http://127.0.0.1:8090;" in policy
    assert "media-src 'self' https: http://127.0.0.1:8090;" in policy
    assert "connect-src 'self';" in policy  # the page still talks to its gateway only


async def test_assets_are_cached_for_a_year_and_missing_ones_are_404(dist: Path) -> None:
    async with _client(dist) as http:
        asset = await http.get("/assets/index-abc.js")
        missing = await http.get("/assets/nope.js")
        escape = await http.get("/assets/..%2Findex.html")
        dotfile = await http.get("/assets/.env")
        icon = await http.get("/favicon.svg")
    assert asset.status_code == 200 and asset.text == "console.log(1)"
    assert asset.headers["cache-control"] == IMMUTABLE
    assert asset.headers["content-type"].startswith("text/javascript")
    assert asset.headers["content-security-policy"] == STRICT_POLICY
    assert missing.status_code == escape.status_code == dotfile.status_code == 404
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"


async def test_the_api_paths_are_never_the_app(dist: Path) -> None:
    async with _client(dist) as http:
        api = await http.get("/v1/nowhere")
        graphiql = await http.get("/graphql", headers={"Accept": "text/html"})
        swagger = await http.get("/docs")
        docs = await http.get("/openapi.json")
        unknown = await http.get("/inbox/a/b")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert INDEX not in graphiql.text and INDEX not in swagger.text
    assert docs.json()["openapi"]
    assert all(not p.startswith(("/inbox", "/login", "/assets")) for p in docs.json()["paths"])
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"


async def test_an_unbuilt_inbox_says_to_run_make_web(tmp_path: Path) -> None:
    async with _client(tmp_path / "missing") as http:
        page = await http.get("/inbox")
        asset = await http.get("/assets/index-abc.js")
    assert page.status_code == 503 and "make web" in page.text
    assert asset.status_code == 404


def test_the_default_is_the_repositorys_web_dist() -> None:
    assert default_dist() == Path(__file__).resolve().parents[2] / "web" / "dist"
    assert GatewaySettings().web_dist_dir == ""
