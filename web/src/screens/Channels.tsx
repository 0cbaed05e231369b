// Channels: connecting an Avito account, and the accounts (../channels/ChannelCard.tsx).

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { ChannelCard } from "../channels/ChannelCard";
import { useSession } from "../session";
import type { Channel } from "../types";

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
