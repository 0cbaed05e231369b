// The inbox's figures over the chosen days split by account, listing or manager
// (GET /v1/analytics/inbox?group_by=…): who and what the buyers' load falls on.

import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api";
import type { Key, T } from "../i18n";
import { useSession } from "../session";
import type { Channel, User } from "../types";
import { type Figures, type Inbox, durations, lastDays } from "./InboxFigures";

type Dimension = "channel" | "listing" | "assignee";
const DIMENSIONS: Dimension[] = ["channel", "listing", "assignee"];
const COLUMNS: (keyof Figures & Key)[] = ["conversations_started", "messages_in", "messages_out",
  "ai_answered", "handed_off", "unanswered"];

/** A group's name: the API's label (listings), else the account's or person's name we know. */
function groupName(dimension: Dimension, key: string, label: string, names: Map<string, string>, t: T): string {
  if (label) return label;
  if (!key) return dimension === "assignee" ? t("nobody") : "—";
  return names.get(key) ?? key.slice(0, 8);
}

export function InboxBreakdown({ days, zone }: { days: number; zone: string }) {
  const { t, errorText } = useSession();
  const [dimension, setDimension] = useState<Dimension>("channel");
  const [data, setData] = useState<Inbox | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState("");

  useEffect(() => {  // the names the API's groups are keyed by; a missing list only costs names
    void Promise.all([
      api.get<{ items: Channel[] }>("/v1/channels?limit=100").then((r) => r.items.map((c) => [c.id, c.name] as const), () => []),
      api.get<{ items: User[] }>("/v1/users").then((r) => r.items.map((u) => [u.id, u.name || u.email] as const), () => []),
    ]).then(([channels, users]) => setNames(new Map([...channels, ...users])));
  }, []);
  useEffect(() => {
    setData(null);
    setError("");
    api.get<Inbox>(`/v1/analytics/inbox${query({ ...lastDays(days), group_by: dimension, time_zone: zone })}`)
      .then(setData, (e) => setError(errorText(e)));
  }, [days, dimension, zone]);

  const rows = [...(data?.groups ?? [])].sort((a, b) => b.figures.messages_in - a.figures.messages_in);
  return (
    <section class="card" aria-labelledby="breakdown">
      <h2 id="breakdown">{t("breakdown")}</h2>
      <fieldset class="segmented">
        <legend class="sr-only">{t("breakdown")}</legend>
        {DIMENSIONS.map((d) => (
          <label key={d}><input type="radio" name="breakdown" checked={dimension === d}
            onChange={() => setDimension(d)} />{t(`by_${d}`)}</label>
        ))}
      </fieldset>
      {error && <p class="error" role="alert">{error}</p>}
      {!data && !error && <p>{t("loading")}</p>}
      {data && rows.length === 0 && <p class="muted">{t("noBreakdown")}</p>}
      {rows.length > 0 && (
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="breakdown">
          <table class="stats breakdown" data-dimension={dimension}>
            <thead><tr><th scope="col">{t(`by_${dimension}`)}</th>
              {COLUMNS.map((c) => <th key={c} scope="col">{t(c)}</th>)}
              <th scope="col">{t("first_response")}</th></tr></thead>
            <tbody>{rows.map((g) => (
              <tr key={g.key} data-group={g.key}>
                <th scope="row">{groupName(dimension, g.key, g.label, names, t)}</th>
                {COLUMNS.map((c) => <td key={c}>{g.figures[c] as number}</td>)}
                <td>{durations(g.figures.first_response, t)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
