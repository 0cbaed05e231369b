"""The OpenAPI schema as the gateway really answers: every error is application/problem+json
(FastAPI documents its 422 as application/json), a body that does not parse is a 400, one
past the route's limit a 413 (gateway/body_limit.py), and an authenticated route may answer
401 and 403. Clients generated from the schema, and the fuzz suite (tests/fuzz), hold the
gateway to it."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from gateway.errors import PROBLEM_JSON

# RFC 9457, as gateway/errors.py writes it.
_PROBLEM = {"type": "object", "required": ["title", "status", "detail"], "properties": {
    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
    "detail": {"type": "string"},
    "errors": {"type": "array", "items": {"type": "object"},
               "description": "What is wrong with each field (422)"}}}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    _problems(operation)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body
                components.pop(unused, None)
            components["Problem"] = _PROBLEM
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_docs(app: FastAPI, path: str = "/docs") -> str:
    """Swagger UI at `path` (FastAPI's own is off: `docs_url=None`), rendered once, so that its
    Content-Security-Policy can be derived from exactly the page served. Returns the page."""
    html = bytes(get_swagger_ui_html(openapi_url=str(app.openapi_url),
                                     title=f"{app.title} - Swagger UI").body).decode()

    async def docs(_: Request) -> HTMLResponse:
        return HTMLResponse(html)

    app.add_route(path, docs, include_in_schema=False)
    return html


def _problems(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    extra = []
    if "requestBody" in operation:
        extra += [400, 413]  # the body does not parse (JSON, multipart), or is too large
    if operation.get("security"):
        extra += [401, 403]
    for status in extra:
        responses.setdefault(str(status), {"description": HTTPStatus(status).phrase})
    for status, response in responses.items():
        if status[0] in "45":
            response["content"] = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
