"""OAuth2 (§1): `/token` with all three grants, Avito's consent page `/oauth`, and the control
calls that register partner apps and let a test user consent without a browser."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from switchboard.emulators.avito.emulator import Emulator, EmulatorDep
from switchboard.emulators.avito.endpoints import parse_scope
from switchboard.emulators.avito.errors import CONTROL_PREFIX, oauth_error
from switchboard.emulators.avito.guard import admit
from switchboard.emulators.avito.schemas import AppSpec, AuthorizeSpec, SessionSpec
from switchboard.emulators.avito.tokens import InvalidGrant, PartnerApp, secret_matches

router = APIRouter()
control_router = APIRouter(prefix=CONTROL_PREFIX, tags=["emulator control"])


@router.post("/token")
@router.post("/token/", include_in_schema=False)
async def issue_token(request: Request, emulator: EmulatorDep) -> dict[str, Any]:
    """Form-encoded: client_credentials (own account), authorization_code and refresh_token
    (a partner app acting for the user who consented)."""
    form = {key: str(value) for key, value in (await request.form()).items()}
    client_id = form.get("client_id", "")
    await admit(request, "token", key=f"client:{client_id}")
    grant_type = form.get("grant_type")
    if grant_type == "client_credentials":
        return _client_credentials(emulator, client_id, form.get("client_secret", ""))
    if grant_type not in ("authorization_code", "refresh_token"):
        raise oauth_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    app = emulator.store.tokens.authenticate_app(client_id, form.get("client_secret", ""))
    if app is None:
        raise oauth_error("invalid_client", "Client authentication failed")
    field = "code" if grant_type == "authorization_code" else "refresh_token"
    if not form.get(field):
        raise oauth_error("invalid_request", f"{field} is required")
    try:
        return _for_user(emulator, app, grant_type, form[field])
    except InvalidGrant as exc:
        raise oauth_error("invalid_grant", str(exc)) from None


def _client_credentials(emulator: Emulator, client_id: str, secret: str) -> dict[str, Any]:
    account = emulator.store.authenticate_client(client_id, secret)
    if account is None:
        raise oauth_error("invalid_client", "Client authentication failed")
    token = emulator.store.tokens.issue_access(account.user_id)
    return {"access_token": token.value, "expires_in": emulator.settings.token_ttl_s,
            "token_type": "Bearer"}


def _for_user(emulator: Emulator, app: PartnerApp, grant_type: str,
              value: str) -> dict[str, Any]:
    tokens = emulator.store.tokens
    if grant_type == "authorization_code":
        code = tokens.redeem_code(app, value)
        refresh = tokens.issue_refresh(app, code.user_id, code.scope)
    else:
        refresh = tokens.rotate(app, value)
    if refresh.user_id not in emulator.store.accounts:
        raise InvalidGrant("the user of this grant no longer exists")
    access = tokens.issue_access(refresh.user_id, frozenset(refresh.scope.split(",")))
    emulator.store.dirty = True  # refresh tokens are persisted
    return {"access_token": access.value, "expires_in": emulator.settings.token_ttl_s,
            "refresh_token": refresh.value, "scope": refresh.scope, "token_type": "Bearer"}


@router.get("/oauth", response_model=None)
async def consent(request: Request, emulator: EmulatorDep, client_id: str = "",
                  response_type: str = "", scope: str = "", state: str | None = None,
                  redirect_uri: str | None = None, user_id: int | None = None,
                  deny: bool = False) -> Response:
    """Avito's consent page. The consenting user is `user_id` (an emulator extra) or the
    control plane's session user; without either, a page to pick one."""
    await admit(request, "oauth", key=f"oauth:{client_id}")
    app = emulator.store.tokens.apps.get(client_id)
    if app is None:
        return _page(400, "Неизвестное приложение", f"client_id {client_id!r} is not registered")
    if redirect_uri is not None and redirect_uri != app.redirect_uri:
        return _page(400, "Неверный redirect_uri", "redirect_uri differs from the registered one")
    error = _consent_error(response_type, scope, deny)
    if error:
        return RedirectResponse(with_query(app.redirect_uri, error=error, state=state), 302)
    consenting = user_id if user_id is not None else emulator.session_user
    if consenting is None:
        return _chooser(request, emulator)
    if consenting not in emulator.store.accounts:
        return _page(400, "Нет такого пользователя", f"user {consenting} does not exist")
    code = emulator.store.tokens.new_code(app, consenting, scope)
    return RedirectResponse(with_query(app.redirect_uri, code=code.value, state=state), 302)


def _consent_error(response_type: str, scope: str, deny: bool) -> str | None:
    if response_type != "code":
        return "unsupported_response_type"
    if parse_scope(scope) is None:
        return "invalid_scope"
    return "access_denied" if deny else None


def with_query(url: str, **params: str | None) -> str:
    """`url` with `params` added to whatever query string it already has."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(key, value) for key, value in params.items() if value is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _page(status: int, title: str, detail: str) -> HTMLResponse:
    body = f"<html><body><h1>{html.escape(title)}</h1><p>{html.escape(detail)}</p></body></html>"
    return HTMLResponse(body, status_code=status)


def _chooser(request: Request, emulator: Emulator) -> HTMLResponse:
    """No one is logged in: pick the account to consent as (sandbox convenience)."""
    links = "".join(
        f'<li><a href="{html.escape(with_query(str(request.url), user_id=str(a.user_id)))}">'
        f"{html.escape(a.person.name)} ({a.user_id})</a></li>"
        for a in emulator.store.accounts.values())
    return HTMLResponse(f"<html><body><h1>Войти в Авито как</h1><ul>{links}</ul></body></html>")


def _registered_again(spec: AppSpec, emulator: Emulator) -> dict[str, Any]:
    """The same app (client id and secret) registered again, by a restarted dev stack: its
    redirect URI and name follow. Anything else taking a used client id is a conflict."""
    app = emulator.store.tokens.apps.get(spec.client_id or "")
    if app is None or not spec.client_secret or \
            not secret_matches(app.client_secret, spec.client_secret):
        raise HTTPException(409, f"client_id {spec.client_id} already exists")
    app.redirect_uri, app.name = spec.redirect_uri, spec.name or app.name
    emulator.store.dirty = True
    return _app(app)


@control_router.post("/apps")
async def register_app(spec: AppSpec, emulator: EmulatorDep) -> dict[str, Any]:
    if spec.client_id and emulator.store.client_taken(spec.client_id):
        return _registered_again(spec, emulator)
    ids = emulator.ids
    app = PartnerApp(spec.client_id or ids.client_id(), spec.client_secret or ids.client_secret(),
                     spec.redirect_uri, spec.name or "Partner app")
    emulator.store.tokens.add_app(app)
    emulator.store.dirty = True
    return _app(app)


@control_router.get("/apps")
async def list_apps(emulator: EmulatorDep) -> dict[str, Any]:
    return {"apps": [_app(app) for app in emulator.store.tokens.apps.values()]}


def _app(app: PartnerApp) -> dict[str, Any]:
    return {"client_id": app.client_id, "client_secret": app.client_secret,
            "redirect_uri": app.redirect_uri, "name": app.name}


@control_router.post("/oauth/authorize")
async def authorize(spec: AuthorizeSpec, emulator: EmulatorDep) -> dict[str, Any]:
    """What the consent page does when `user_id` clicks "allow": a code and where it goes."""
    app = emulator.store.tokens.apps.get(spec.client_id)
    if app is None:
        raise HTTPException(404, f"no app {spec.client_id}")
    if spec.user_id not in emulator.store.accounts:
        raise HTTPException(404, f"no account {spec.user_id}")
    if parse_scope(spec.scope) is None:
        raise HTTPException(422, f"invalid scope {spec.scope!r}")
    code = emulator.store.tokens.new_code(app, spec.user_id, spec.scope)
    return {"code": code.value,
            "redirect_url": with_query(app.redirect_uri, code=code.value, state=spec.state)}


@control_router.post("/oauth/session")
async def session(spec: SessionSpec, emulator: EmulatorDep) -> dict[str, Any]:
    if spec.user_id is not None and spec.user_id not in emulator.store.accounts:
        raise HTTPException(404, f"no account {spec.user_id}")
    emulator.session_user = spec.user_id
    return {"user_id": spec.user_id}
