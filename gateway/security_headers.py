"""Security headers on every response of the gateway.

Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
`X-Frame-Options: DENY`, and a Content-Security-Policy: a strict default (nothing may load,
nothing may frame it) for the API, and for each HTML page we serve (GraphiQL at /graphql, Swagger
UI at /docs) one that lets exactly that page run — the scripts and stylesheets it loads, by
URL, its inline scripts by hash, requests to this origin — derived once from the page itself
when the app is built (`page_policy`). `Strict-Transport-Security` when the public URL is HTTPS.
A header the route set itself is kept.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000"
_ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
           (b"x-frame-options", b"DENY"))


class _Page(HTMLParser):
    """What an HTML page loads: script and stylesheet URLs, inline scripts, icons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.images: list[str] = []
        self.inline: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "script":
            if attr.get("src"):
                self.scripts.append(attr["src"])
            else:
                self._script = []
        elif tag == "link" and "stylesheet" in attr.get("rel", "").split():
            self.styles.append(attr.get("href", ""))
        elif tag == "link" and "icon" in attr.get("rel", "").split():
            self.images.append(attr.get("href", ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.inline.append("".join(self._script))
            self._script = None


def page_policy(html: str) -> str:
    """The Content-Security-Policy that lets this page, and nothing else, run."""
    page = _Page()
    page.feed(html)
    page.close()
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
              for s in page.inline]
    origins = sorted({f"{u.scheme}://{u.netloc}" for u in map(urlsplit, page.styles) if u.netloc})
    images = [u for u in page.images if urlsplit(u).netloc]
    return "; ".join([
        "default-src 'none'",
        " ".join(["script-src", *page.scripts, *hashes]),
        # Inline styles: the page's own <style> and the style attributes its widgets set.
        " ".join(["style-src", *page.styles, "'unsafe-inline'"]),
        " ".join(["font-src", *origins, "data:"]),  # fonts its stylesheets name
        " ".join(["img-src 'self' data:", *images]),
        "connect-src 'self'",  # the API (fetch) and its WebSocket, on this origin only
        "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'",
    ])


class SecurityHeaders:
    """`pages`: path -> the policy of the HTML page served there (other responses of that path,
    e.g. GraphQL's JSON, get the strict one)."""

    def __init__(self, app: ASGIApp, pages: Mapping[str, str], hsts: bool) -> None:
        self.app = app
        self._pages = {path: policy.encode() for path, policy in pages.items()}
        self._always = list(_ALWAYS) + ([(b"strict-transport-security", HSTS.encode())]
                                        if hsts else [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = self._pages.get(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                html = any(n.lower() == b"content-type" and v.startswith(b"text/html")
                           for n, v in headers)
                policy = page if page is not None and html else STRICT_POLICY.encode()
                headers += [(n, v) for n, v in (*self._always, (b"content-security-policy", policy))
                            if n not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
