// The AI agent: its health, the settings of all accounts or of one (an account inherits what it
// does not set itself), the questions it could not answer, the knowledge base, the seller's
// synonyms, and a preview question with those settings.

import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api";
import { formatTime, useSession } from "../session";
import type { Channel } from "../types";
import { Knowledge } from "./Knowledge";
import { Preview } from "./Preview";
import type { SettingsView } from "./settings";
import { SettingsForm } from "./SettingsForm";
import { Synonyms } from "./Synonyms";
import { UnansweredList } from "./Unanswered";

interface Health {
  state: "unknown" | "ok" | "failing";
  failing_since: string | null;
  last_error: { kind: string; reason: string } | null;
}

export function AgentScreen() {
  const { t, errorText } = useSession();
  const [channels, setChannels] = useState<Channel[]>([]);
  const [level, setLevel] = useState("");  // "" = every account (the tenant's level)
  const [error, setError] = useState("");
  const [version, setVersion] = useState(0);  // bumped by a save: the overview reloads
  const [added, setAdded] = useState(0);  // bumped by an answer added: the documents reload
  useEffect(() => {
    api.get<{ items: Channel[] }>("/v1/channels?limit=100")
      .then((r) => setChannels(r.items), (e) => setError(errorText(e)));
  }, []);
  const levelName = channels.find((c) => c.id === level)?.name ?? t("ag_levelAll");
  return (
    <div class="page">
      <h1>{t("aiTitle")}</h1>
      <HealthLine />
      {error && <p class="error" role="alert">{error}</p>}
      <Accounts channels={channels} version={version} onPick={setLevel} />
      <label class="level">{t("ag_levelLabel")}
        <select value={level} onChange={(e) => setLevel(e.currentTarget.value)}>
          <option value="">{t("ag_levelAll")}</option>
          {channels.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>
      {level && <p class="muted">{t("ag_levelHint")}</p>}
      <SettingsForm key={level} channelId={level} onSaved={() => setVersion((n) => n + 1)} />
      <UnansweredList onAnswered={() => setAdded((n) => n + 1)} />
      <Knowledge key={added} />
      <Synonyms />
      <Preview channelId={level} levelName={levelName} />
    </div>
  );
}

/** The model's state across the tenant (from the audit of live replies): shown when known. */
function HealthLine() {
  const { t, lang } = useSession();
  const [h, setH] = useState<Health | null>(null);
  useEffect(() => { api.get<Health>("/v1/agent/health").then(setH, () => setH(null)); }, []);
  if (!h || h.state === "unknown") return null;
  return h.state === "failing"
    ? <p class="error" role="alert" data-health="failing">{t("ag_health_failing", {
      since: formatTime(h.failing_since, lang), reason: h.last_error?.reason ?? "" })}</p>
    : <p class="ok" role="status" data-health="ok">{t("ag_health_ok")}</p>;
}

/** Each account's effective state: whether the AI answers there, with which model, and
 *  whether the account has settings of its own. Choosing one edits its level. */
function Accounts({ channels, version, onPick }: { channels: Channel[]; version: number; onPick(id: string): void }) {
  const { t, errorText } = useSession();
  const [views, setViews] = useState<Record<string, SettingsView>>({});
  const [error, setError] = useState("");
  useEffect(() => {
    Promise.all(channels.map((c) => api.get<SettingsView>(`/v1/agent/settings${query({ channel_id: c.id })}`)
      .then((v) => [c.id, v] as const)))
      .then((pairs) => setViews(Object.fromEntries(pairs)), (e) => setError(errorText(e)));
  }, [channels, version]);
  if (!channels.length) return null;
  return (
    <section class="card" aria-labelledby="ag-accounts">
      <h2 id="ag-accounts">{t("ag_accounts")}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ul class="plain">
        {channels.map((c) => {
          const v = views[c.id];
          const state = !v ? t("loading") : !v.effective.enabled ? t("ag_state_off")
            : v.effective.model ? t("ag_state_model", { model: v.effective.model }) : t("ag_state_faq");
          return (
            <li key={c.id} data-account={c.name}>
              <button type="button" class="link" onClick={() => onPick(c.id)}>{c.name}</button>
              {" — "}<span class={v?.effective.enabled ? "ok" : "muted"}>{state}</span>
              {v && v.overridden_fields.length > 0 && <span class="muted"> · {t("ag_ownCount", { n: v.overridden_fields.length })}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
