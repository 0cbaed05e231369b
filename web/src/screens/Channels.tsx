// Channels: the accounts, connecting an Avito account, the webhook switch, diagnostics.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { formatTime, useSession } from "../session";
import type { Channel, DiagnosticCheck } from "../types";

export function Channels() {
  const { t, errorText } = useSession();
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [error, setError] = useState("");

  const load = () => api.get<{ items: Channel[] }>("/v1/channels?limit=100")
    .then((r) => setChannels(r.items), (err) => setError(errorText(err)));
  useEffect(() => { void load(); }, []);
  const replace = (c: Channel) => setChannels((list) => (list ?? []).map((x) => (x.id === c.id ? c : x)));

  return (
    <div class="page">
      <h1>{t("channelsTitle")}</h1>
      {error && <p class="error" role="alert">{error}</p>}
      <ConnectAvito onConnected={(c) => setChannels((list) => [c, ...(list ?? [])])} />
      {channels === null ? <p>{t("loading")}</p>
        : channels.length === 0 ? <p class="muted">{t("noChannels")}</p>
        : <ul class="channels">{channels.map((c) => <ChannelCard key={c.id} channel={c} onChanged={replace} />)}</ul>}
    </div>
  );
}

function ConnectAvito({ onConnected }: { onConnected(c: Channel): void }) {
  const { t, errorText } = useSession();
  const [form, setForm] = useState({ name: "", client_id: "", client_secret: "" });
  const [sandbox, setSandbox] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const set = (name: keyof typeof form) => (e: { currentTarget: HTMLInputElement }) =>
    setForm({ ...form, [name]: e.currentTarget.value });
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    setDone("");
    try {
      const c = await api.post<Channel>("/v1/channels/avito", { ...form, sandbox }, { timeoutMs: 60_000 });
      setForm({ name: "", client_id: "", client_secret: "" });
      setDone(t("connected"));
      onConnected(c);
    } catch (err) {
      setError(errorText(err)); // what the user typed stays, to correct
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card connect" onSubmit={submit} aria-labelledby="connect-title">
      <h2 id="connect-title">{t("connectAvito")}</h2>
      <label>{t("channelName")}
        <input name="name" required value={form.name} onInput={set("name")} /></label>
      <label>{t("clientId")}
        <input name="client_id" required autocomplete="off" value={form.client_id} onInput={set("client_id")} /></label>
      <label>{t("clientSecret")}
        <input name="client_secret" type="password" required autocomplete="off" value={form.client_secret}
          onInput={set("client_secret")} /></label>
      <label class="check"><input type="checkbox" checked={sandbox}
        onChange={(e) => setSandbox(e.currentTarget.checked)} />{t("sandbox")}</label>
      {error && <p class="error" role="alert">{error}</p>}
      {done && <p class="ok" role="status">{done}</p>}
      <button type="submit" disabled={busy}>{busy ? t("connecting") : t("connect")}</button>
    </form>
  );
}

function ChannelCard({ channel: c, onChanged }: { channel: Channel; onChanged(c: Channel): void }) {
  const { t, lang, errorText } = useSession();
  const [checks, setChecks] = useState<DiagnosticCheck[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function run<T>(call: () => Promise<T>, then: (v: T) => void) {
    setBusy(true);
    setError("");
    try {
      then(await call());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="card channel" data-channel={c.id}>
      <h2>{c.name} <small class="muted">{c.kind} · {c.external_account_name || c.external_account_id} · {c.status}</small></h2>
      <dl>
        <dt>{t("webhook")}</dt><dd>{c.webhook_enabled ? t("webhookOn") : t("webhookOff")}</dd>
        <dt>{t("lastWebhook")}</dt><dd>{formatTime(c.last_webhook_at, lang) || t("never")}</dd>
        <dt>{t("lastSync")}</dt><dd>{formatTime(c.last_sync_at, lang) || t("never")}</dd>
      </dl>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="button" class="secondary" disabled={busy}
          onClick={() => void run(() => api.put<Channel>(`/v1/channels/${c.id}/webhook`, { enabled: !c.webhook_enabled }), onChanged)}>
          {c.webhook_enabled ? t("disableWebhook") : t("enableWebhook")}</button>
        <button type="button" disabled={busy}
          onClick={() => void run(() => api.get<{ checks: DiagnosticCheck[] }>(`/v1/channels/${c.id}/diagnostics`, { timeoutMs: 60_000 }),
            (d) => setChecks(d.checks))}>{t("runDiagnostics")}</button>
      </div>
      {checks && (
        <section aria-label={t("diagnostics")}>
          {checks.every((k) => k.ok) && <p class="ok">{t("allChecksOk")}</p>}
          <ul class="checks">
            {checks.map((k) => (
              <li key={k.name} class={k.ok ? "ok" : "problem"}>
                <b>{k.ok ? "✓" : "✗"} {k.name}</b>: {k.message}
                {!k.ok && k.fix && <p><b>{t("fix")}:</b> {k.fix}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </li>
  );
}
