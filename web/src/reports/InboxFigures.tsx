// The inbox's figures over the chosen days (GET /v1/analytics/inbox): totals, first response
// and reply times, buyer messages by day as bars.

import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api";
import type { Key, T } from "../i18n";
import { useSession } from "../session";

export interface Duration { median_seconds: number; p90_seconds: number; samples: number }
export interface Figures {
  conversations_started: number; messages_in: number; messages_out: number; resolved: number;
  unanswered: number; waiting: number; ai_answered: number; handed_off: number;
  first_response: Duration | null; reply: Duration | null;
}
export interface Inbox { total: Figures; groups: { key: string; label: string; figures: Figures }[] }

const COUNTS: (keyof Figures & Key)[] = ["conversations_started", "messages_in", "messages_out",
  "ai_answered", "handed_off", "resolved", "unanswered", "waiting"];

function span(seconds: number, t: T): string {
  return seconds < 90 ? t("seconds", { n: Math.round(seconds) }) : t("minutes", { n: Math.round(seconds / 60) });
}

export function durations(d: Duration | null, t: T): string {
  return d ? `${span(d.median_seconds, t)} / ${span(d.p90_seconds, t)}` : "—";
}

/** The last `days` days up to now, as the API's [from, to). */
export function lastDays(days: number): { from: string; to: string } {
  const to = new Date();
  return { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() };
}

export function InboxFigures({ days, zone }: { days: number; zone: string }) {
  const { t, errorText } = useSession();
  const [data, setData] = useState<Inbox | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    setData(null);
    setError("");
    api.get<Inbox>(`/v1/analytics/inbox${query({ ...lastDays(days), group_by: "day", time_zone: zone })}`)
      .then(setData, (e) => setError(errorText(e)));
  }, [days]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!data) return <p>{t("loading")}</p>;
  const peak = Math.max(1, ...data.groups.map((g) => g.figures.messages_in));
  return (
    <>
      <dl class="card figures">
        {COUNTS.map((k) => <div key={k}><dt>{t(k)}</dt><dd data-figure={k}>{data.total[k] as number}</dd></div>)}
        <div><dt>{t("first_response")}</dt><dd>{durations(data.total.first_response, t)}</dd></div>
        <div><dt>{t("reply")}</dt><dd>{durations(data.total.reply, t)}</dd></div>
      </dl>
      <section class="card" aria-labelledby="by-day">
        <h2 id="by-day">{t("messagesByDay")}</h2>
        <ul class="bars">
          {data.groups.map((g) => (
            <li key={g.key}><span>{g.label || g.key}</span>
              <meter min={0} max={peak} value={g.figures.messages_in} aria-label={g.label || g.key} />
              <b>{g.figures.messages_in}</b></li>
          ))}
        </ul>
      </section>
    </>
  );
}
