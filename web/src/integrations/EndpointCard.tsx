// One endpoint in the list: what it receives, its state (active / paused by the breaker, with
// why and the next probe / disabled), and what an admin does with it: edit, disable or enable,
// a new secret, a test event, the delivery log, delete (asked once more in place).

import { useState } from "preact/hooks";
import { api } from "../api";
import { formatTime, useSession } from "../session";
import type { WebhookDelivery, WebhookEndpoint } from "../types";
import { DeliveryLog } from "./DeliveryLog";
import { EndpointForm } from "./EndpointForm";
import { RotateSecret } from "./RotateSecret";
import { type Secret, SecretOnce } from "./SecretOnce";
import { endpointState, eventName, explainError } from "./wording";

export function EndpointCard({ endpoint: e, secret, onChanged, onSecret, onSecretSaved, onDeleted }: {
  endpoint: WebhookEndpoint;
  secret: Secret | null;
  onChanged(e: WebhookEndpoint): void;
  onSecret(s: Secret): void;
  onSecretSaved(): void;
  onDeleted(): void;
}) {
  const { t, lang, errorText } = useSession();
  const [panel, setPanel] = useState<"" | "edit" | "rotate" | "delete">("");
  const [log, setLog] = useState<{ generation: number } | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  const when = (iso: string) => formatTime(iso, lang);
  const state = endpointState(e, when);

  async function act(call: () => Promise<void>) {
    setError("");
    setNote("");
    try {
      await call();
    } catch (err) {
      setError(explainError(err, t, errorText));
    }
  }
  const setEnabled = (enabled: boolean) => act(async () => {
    onChanged(await api.patch<WebhookEndpoint>(`/v1/webhooks/endpoints/${e.id}`, { enabled }));
  });
  const sendTest = () => act(async () => {
    await api.post<WebhookDelivery>(`/v1/webhooks/endpoints/${e.id}/test`);
    setNote(t("whTestQueued"));
    setLog({ generation: (log?.generation ?? 0) + 1 });
  });
  const refresh = () => api.get<WebhookEndpoint>(`/v1/webhooks/endpoints/${e.id}`)
    .then(onChanged, (err) => setError(explainError(err, t, errorText)));
  const remove = () => act(async () => {
    await api.delete(`/v1/webhooks/endpoints/${e.id}`);
    onDeleted();
  });

  const titleId = `endpoint-${e.id}`;
  return (
    <li class="card endpoint" data-endpoint={e.url} data-state={e.enabled ? e.state : "disabled"}>
      <h2 id={titleId} class="endpoint-url">{e.url}</h2>
      {e.description && <p>{e.description}</p>}
      <dl class="facts">
        <dt>{t("whEvents")}</dt>
        <dd>{e.event_types.length ? e.event_types.map((type) => eventName(type, t)).join(", ") : t("whAllEvents")}</dd>
        <dt>{t("whStateLabel")}</dt>
        <dd data-testid="endpoint-state">
          <span class={`tag ${state.tone}`}>{t(state.key, state.vars)}</span>
          {state.details.map((d) => <span key={d.key} class="detail">{t(d.key, d.vars)}</span>)}
        </dd>
        <dt>{t("whCreated")}</dt><dd>{e.created_at ? when(e.created_at) : "—"}</dd>
        <dt>{t("whLastSuccess")}</dt><dd>{e.last_success_at ? when(e.last_success_at) : t("never")}</dd>
      </dl>
      {secret && <SecretOnce secret={secret} url={e.url} onDone={onSecretSaved} />}
      <div class="actions">
        <button type="button" class="secondary" aria-expanded={panel === "edit"}
          onClick={() => setPanel(panel === "edit" ? "" : "edit")}>{t("whEdit")}</button>
        {!e.enabled ? <button type="button" class="secondary" onClick={() => void setEnabled(true)}>{t("whEnable")}</button>
          : <>
            {e.state === "paused" && <button type="button" class="secondary" onClick={() => void setEnabled(true)}>{t("whResume")}</button>}
            <button type="button" class="secondary" onClick={() => void setEnabled(false)}>{t("whDisable")}</button>
          </>}
        <button type="button" class="secondary" aria-expanded={panel === "rotate"}
          onClick={() => setPanel(panel === "rotate" ? "" : "rotate")}>{t("whRotate")}</button>
        <button type="button" class="secondary" onClick={() => void sendTest()}>{t("whSendTest")}</button>
        <button type="button" class="secondary" aria-expanded={log !== null}
          onClick={() => setLog(log ? null : { generation: 0 })}>{t("whLog")}</button>
        {panel === "delete" ? (
          <span role="group" class="confirm" aria-label={t("whConfirmDelete", { url: e.url })}
            onKeyDown={(k) => { if (k.key === "Escape") setPanel(""); }}>
            {t("whConfirmDelete", { url: e.url })}
            <button type="button" class="danger" autoFocus onClick={() => void remove()}>{t("whYesDelete")}</button>
            <button type="button" class="secondary" onClick={() => setPanel("")}>{t("whCancel")}</button>
          </span>
        ) : <button type="button" class="secondary danger" onClick={() => setPanel("delete")}>{t("whDelete")}</button>}
      </div>
      {note && <p class="ok" role="status">{note}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {panel === "edit" && (
        <EndpointForm endpoint={e} onCancel={() => setPanel("")}
          onSaved={(saved) => { setPanel(""); onChanged(saved); }} />
      )}
      {panel === "rotate" && (
        <RotateSecret endpointId={e.id} onCancel={() => setPanel("")}
          onRotated={(s, rotated) => { setPanel(""); onChanged(rotated); onSecret(s); }} />
      )}
      {log && <DeliveryLog endpoint={e} generation={log.generation} onChange={() => void refresh()} />}
    </li>
  );
}
