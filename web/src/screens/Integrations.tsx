// Integrations: the tenant's outgoing webhook endpoints (/v1/webhooks/endpoints) — make one, and
// per endpoint its state, changes, secret, test event and delivery log (../integrations/).
// Owners and admins only (the API's `admin` scope changes them; the nav hides it from agents).

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { EndpointCard } from "../integrations/EndpointCard";
import { EndpointForm } from "../integrations/EndpointForm";
import type { Secret } from "../integrations/SecretOnce";
import { useSession } from "../session";
import type { WebhookEndpoint } from "../types";

const API_DOCS = "/docs#/webhooks";

export function Integrations() {
  const { t, me, errorText } = useSession();
  const admin = me.scopes.includes("admin");
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [more, setMore] = useState("");  // the next page's cursor
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [error, setError] = useState("");

  const load = (cursor = "") => api.get<{ items: WebhookEndpoint[]; page: { next_cursor: string | null } }>(
    `/v1/webhooks/endpoints?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
    .then((r) => {
      setEndpoints((list) => (cursor ? [...(list ?? []), ...r.items] : r.items));
      setMore(r.page.next_cursor ?? "");
    }, (e) => setError(errorText(e)));
  useEffect(() => { if (admin) void load(); }, []);

  const replace = (e: WebhookEndpoint) => setEndpoints((list) => (list ?? []).map((x) => (x.id === e.id ? e : x)));
  const intro = (
    <p class="muted">{t("whIntro")} <a href={API_DOCS}>{t("whDocs")}</a></p>
  );
  if (!admin) {
    return <div class="page"><h1>{t("whTitle")}</h1>{intro}<p role="status">{t("whAdminOnly")}</p></div>;
  }
  return (
    <div class="page integrations">
      <h1>{t("whTitle")}</h1>
      {intro}
      {creating ? (
        <EndpointForm endpoint={null} onCancel={() => setCreating(false)} onSaved={(made) => {
          setCreating(false);
          setEndpoints((list) => [made, ...(list ?? [])]);
          if ("secret" in made) setSecret({ endpointId: made.id, secret: made.secret, oldUntil: null });
        }} />
      ) : (
        <button type="button" class="inline" onClick={() => setCreating(true)}>{t("whNew")}</button>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {endpoints === null ? <p>{t("loading")}</p>
        : endpoints.length === 0 ? <p class="card empty" data-testid="webhooks-empty">{t("whNone")}</p>
        : (
          <ul class="endpoints">
            {endpoints.map((e) => (
              <EndpointCard key={e.id} endpoint={e} onChanged={replace}
                secret={secret?.endpointId === e.id ? secret : null}
                onSecret={setSecret} onSecretSaved={() => setSecret(null)}
                onDeleted={() => setEndpoints((list) => (list ?? []).filter((x) => x.id !== e.id))} />
            ))}
          </ul>
        )}
      {more && <button type="button" class="secondary" onClick={() => void load(more)}>{t("whMore")}</button>}
    </div>
  );
}
