// A new signing secret: how long the old one keeps signing beside it (the API allows up to 7
// days, so a receiver switches without losing a delivery), then the new one is shown once.

import { useState } from "preact/hooks";
import { api } from "../api";
import { useSession } from "../session";
import type { WebhookEndpoint, WebhookEndpointWithSecret } from "../types";
import { KEEP_OLD_SECRET } from "./form";
import type { Secret } from "./SecretOnce";
import { explainError } from "./wording";

export function RotateSecret({ endpointId, onRotated, onCancel }: {
  endpointId: string;
  onRotated(secret: Secret, endpoint: WebhookEndpoint): void;
  onCancel(): void;
}) {
  const { t, errorText } = useSession();
  const [keep, setKeep] = useState(86_400);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function rotate(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const { secret, ...endpoint } = await api.post<WebhookEndpointWithSecret>(
        `/v1/webhooks/endpoints/${endpointId}/rotate-secret`, { previous_secret_ttl_s: keep });
      const oldUntil = keep ? new Date(Date.now() + keep * 1000).toISOString() : null;
      onRotated({ endpointId, secret, oldUntil }, endpoint);
    } catch (err) {
      setError(explainError(err, t, errorText));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card rotate" aria-label={t("whRotateTitle")} onSubmit={(e) => void rotate(e)}>
      <h3>{t("whRotateTitle")}</h3>
      <label>{t("whRotateKeep")}
        <select value={keep} onChange={(e) => setKeep(Number(e.currentTarget.value))}>
          {KEEP_OLD_SECRET.map(([seconds, key]) => <option key={seconds} value={seconds}>{t(key)}</option>)}
        </select>
      </label>
      <p class="muted hint">{t("whRotateNote")}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" disabled={busy}>{t("whRotateGo")}</button>
        <button type="button" class="secondary" onClick={onCancel}>{t("whCancel")}</button>
      </div>
    </form>
  );
}
