"""The web inbox's built files (`web/dist`, made by `make web`) at `/`.

Hashed assets under `/assets/` are cached for a year (their names change with their content);
`index.html` answers every client route (`/`, `/login`, `/inbox`, `/inbox/<id>`, `/channels`,
`/ai`, `/team`, `/reports`, `/canned`, `/invite/<token>`, `/reset-password/<token>`) uncached,
so a new build shows on the next load. The routes are listed, not a catch-all: `/v1`, `/graphql`, `/webhooks`,
`/health*`, `/docs`, `/openapi.json` stay the API's, and an unknown path stays a 404 problem.
The page's Content-Security-Policy lets it load scripts, styles and API calls from this origin
only (nothing from the internet); images and voice messages may come from the marketplaces'
HTTPS hosts, and in sandbox mode from the Avito emulator (its listing pictures and files are
served over plain HTTP from its own origin: `web_policy`).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response

from gateway.errors import ProblemError

# The screens of web/src/app.tsx: a reload on any of them gets the app. /invite/… and
# /reset-password/… are the pages of the team's one-time links (gateway/identity/team.py).
CLIENT_ROUTES = ("/", "/login", "/inbox", "/inbox/{conversation_id}", "/channels", "/ai", "/team",
                 "/reports", "/canned", "/integrations", "/invite/{token}",
                 "/reset-password/{token}")


def web_policy(sandbox_url: str = "") -> str:
    """The page's policy; pictures and voice of the sandbox's emulator (`avito_sandbox_url`)
    load from its origin too."""
    parts = urlsplit(sandbox_url)
    sandbox = f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
        f"img-src 'self' data: https:{sandbox}", f"media-src 'self' https:{sandbox}",
        "font-src 'self'", "manifest-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
        "form-action 'self'"])


WEB_POLICY = web_policy()
IMMUTABLE = "public, max-age=31536000, immutable"
# Vite writes its assets flat into assets/: a name, never a path.
_ASSET_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,200}")
NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Switchboard</title>
<h1>The web inbox is not built</h1><p>Run <code>make web</code> (or <code>make dev</code>) in the
repository, then reload. The API is at <a href="/docs">/docs</a>.</p></html>"""


def default_dist() -> Path:
    return Path(__file__).resolve().parent.parent / "web" / "dist"


def install_web(app: FastAPI, dist_dir: str, sandbox_url: str = "") -> None:
    """Serve the built web inbox from `dist_dir` (empty: the repository's `web/dist`). Call it
    after the API's routers. The directory is looked at per request: `make web` while the
    gateway runs takes effect without a restart."""
    dist = Path(dist_dir) if dist_dir else default_dist()
    policy = web_policy(sandbox_url)
    router = APIRouter(include_in_schema=False)

    async def page() -> Response:
        index = dist / "index.html"
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503,
                                headers={"Cache-Control": "no-store", "Retry-After": "60"})
        return FileResponse(index, media_type="text/html",
                            headers={"Cache-Control": "no-cache",
                                     "Content-Security-Policy": policy})

    async def favicon() -> Response:
        icon = dist / "favicon.svg"
        if not icon.is_file():
            return Response(status_code=404)
        return FileResponse(icon, media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})

    async def asset(name: str) -> Response:
        file = dist / "assets" / name
        if not _ASSET_NAME.fullmatch(name) or not file.is_file():
            raise ProblemError(404, "no such file of the web inbox (rebuilt? reload the page)")
        return FileResponse(file, headers={"Cache-Control": IMMUTABLE})

    for path in CLIENT_ROUTES:
        router.add_api_route(path, page, methods=["GET", "HEAD"])
    router.add_api_route("/favicon.svg", favicon, methods=["GET", "HEAD"])
    router.add_api_route("/assets/{name}", asset, methods=["GET", "HEAD"])
    app.include_router(router)
