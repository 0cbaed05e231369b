// One channel account: its state (webhook, Avito's key, last webhook and sync), what can be
// done with it (webhook on/off, sync now, check, disconnect), and the check's findings.

import { useState } from "preact/hooks";
import { api } from "../api";
import type { Key } from "../i18n";
import { formatTime, useSession } from "../session";
import type { Channel, DiagnosticCheck } from "../types";
import { channelsRu } from "./words";

/** The check's title in the interface's words; a check this build does not know by its name. */
function checkTitle(t: (k: Key) => string, name: string): string {
  const key = `ch_check_${name}`;
  return key in channelsRu ? t(key as Key) : name;
}

export function ChannelCard({ channel: c, onChanged }: { channel: Channel; onChanged(c: Channel): void }) {
  const { t, lang, me, errorText } = useSession();
  const [checks, setChecks] = useState<DiagnosticCheck[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  const [confirming, setConfirming] = useState(false);
  const admin = me.role === null || me.role === "owner" || me.role === "admin";  // an API key: as the API allows
  const active = c.status === "active";

  async function run<T>(call: () => Promise<T>, then: (v: T) => void) {
    setBusy(true);
    setError("");
    setNote("");
    try {
      then(await call());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }
  const when = (iso: string | null) => formatTime(iso, lang);
  const token = c.kind !== "avito" ? null
    : c.token_refused_since ? <dd class="error">{t("ch_tokenRefused", { when: when(c.token_refused_since), error: c.token_error })}</dd>
    : c.token_error ? <dd class="muted">{t("ch_tokenUnreachable", { error: c.token_error })}</dd>
    : c.token_checked_at ? <dd class="ok">{t("ch_tokenOk", { when: when(c.token_checked_at) })}</dd>
    : <dd class="muted">{t("ch_tokenUnchecked")}</dd>;

  return (
    <li class="card channel" data-channel={c.id} data-status={c.status}>
      <h2>{c.name} <small class="muted">{t(`ch_kind_${c.kind}` as Key) ?? c.kind} · {c.external_account_name || c.external_account_id}</small>
        {" "}<span class={`tag ${active ? "ok" : "muted"}`}>{t(active ? "ch_status_active" : c.status === "disconnected" ? "ch_status_disconnected" : "ch_status_unknown")}</span></h2>
      <dl>
        <dt>{t("webhook")}</dt>
        <dd>{c.webhook_enabled ? t("webhookOn") : t("webhookOff")}
          {active && c.kind === "avito" && c.webhook_enabled && !c.webhook_subscribed && <span class="error"> · {t("ch_notSubscribed")}</span>}</dd>
        <dt>{t("lastWebhook")}</dt><dd>{when(c.last_webhook_at) || t("never")}</dd>
        <dt>{t("lastSync")}</dt><dd>{when(c.last_sync_at) || t("never")}</dd>
        {token && <><dt>{t("ch_token")}</dt>{token}</>}
      </dl>
      {error && <p class="error" role="alert">{error}</p>}
      {note && <p class="ok" role="status">{note}</p>}
      {!active && <p class="muted">{t("ch_disconnectedHint")}</p>}
      {active && (
        <div class="actions">
          {admin && <button type="button" class="secondary" disabled={busy}
            onClick={() => void run(() => api.put<Channel>(`/v1/channels/${c.id}/webhook`, { enabled: !c.webhook_enabled }), onChanged)}>
            {c.webhook_enabled ? t("disableWebhook") : t("enableWebhook")}</button>}
          <button type="button" class="secondary" disabled={busy}
            onClick={() => void run(() => api.post(`/v1/channels/${c.id}/sync`, {}), () => setNote(t("ch_syncScheduled")))}>
            {t("ch_syncNow")}</button>
          <button type="button" disabled={busy}
            onClick={() => void run(() => api.get<{ checks: DiagnosticCheck[] }>(`/v1/channels/${c.id}/diagnostics`, { timeoutMs: 60_000 }),
              (d) => setChecks(d.checks))}>{t("runDiagnostics")}</button>
          {admin && !confirming && <button type="button" class="secondary danger" disabled={busy}
            onClick={() => setConfirming(true)}>{t("ch_disconnect")}</button>}
        </div>
      )}
      {active && confirming && (
        <div class="confirm-box" role="group" aria-label={t("ch_disconnect")}>
          <p>{t("ch_disconnectConfirm")}</p>
          <div class="actions">
            <button type="button" class="danger" disabled={busy}
              onClick={() => void run(() => api.delete<Channel>(`/v1/channels/${c.id}`), (d) => { setConfirming(false); setChecks(null); onChanged(d); })}>
              {t("ch_disconnectYes")}</button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>{t("ch_cancel")}</button>
          </div>
        </div>
      )}
      {checks && (
        <section aria-label={t("diagnostics")}>
          {checks.every((k) => k.ok) && <p class="ok">{t("allChecksOk")}</p>}
          <ul class="checks">
            {checks.map((k) => (
              <li key={k.name} class={k.ok ? "ok" : "problem"} data-check={k.name}>
                <b>{k.ok ? "✓" : "✗"} {checkTitle(t, k.name)}</b>: {k.message}
                {!k.ok && k.fix && <p><b>{t("fix")}:</b> {k.fix}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </li>
  );
}
