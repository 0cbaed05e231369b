// Reports: the inbox's figures over a period (total and by day, with a bar per day) and an
// export of the period's conversations and messages to Excel, with progress.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Key, T } from "../i18n";
import { useSession } from "../session";

interface Duration { median_seconds: number; p90_seconds: number; samples: number }
interface Figures {
  conversations_started: number; messages_in: number; messages_out: number; resolved: number;
  unanswered: number; waiting: number; ai_answered: number; handed_off: number;
  first_response: Duration | null; reply: Duration | null;
}
interface Inbox { total: Figures; groups: { key: string; label: string; figures: Figures }[] }
interface Export { id: string; status: string; progress: number; error: string | null; download_url: string | null }

const COUNTS: (keyof Figures & Key)[] = ["conversations_started", "messages_in", "messages_out",
  "ai_answered", "handed_off", "resolved", "unanswered", "waiting"];
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function span(seconds: number, t: T): string {
  return seconds < 90 ? t("seconds", { n: Math.round(seconds) }) : t("minutes", { n: Math.round(seconds / 60) });
}

function durations(d: Duration | null, t: T): string {
  return d ? `${span(d.median_seconds, t)} / ${span(d.p90_seconds, t)}` : "—";
}

export function Reports() {
  const { t, errorText } = useSession();
  const [days, setDays] = useState(7);
  const [data, setData] = useState<Inbox | null>(null);
  const [error, setError] = useState("");
  const range = () => {
    const to = new Date();
    return { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() };
  };

  useEffect(() => {
    const { from, to } = range();
    setData(null);
    const q = new URLSearchParams({ from, to, group_by: "day", time_zone: ZONE });
    api.get<Inbox>(`/v1/analytics/inbox?${q}`).then(setData, (e) => setError(errorText(e)));
  }, [days]);

  const peak = Math.max(1, ...(data?.groups ?? []).map((g) => g.figures.messages_in));
  return (
    <div class="page">
      <h1>{t("reportsTitle")}</h1>
      <label class="period">{t("period")}
        <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          {[1, 7, 30, 90].map((d) => <option key={d} value={d}>{t("lastDays", { n: d })}</option>)}
        </select>
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      {!data ? <p>{t("loading")}</p> : (
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
      )}
      <ExportBox range={range} />
    </div>
  );
}

function ExportBox({ range }: { range(): { from: string; to: string } }) {
  const { t, errorText } = useSession();
  const [job, setJob] = useState<Export | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    if (!job || job.status === "done" || job.status === "failed") return;
    const timer = setTimeout(() => {
      api.get<Export>(`/v1/exports/${job.id}`).then(setJob, (e) => setError(errorText(e)));
    }, 1000);
    return () => clearTimeout(timer);
  }, [job]);

  return (
    <section class="card" aria-labelledby="export">
      <h2 id="export">{t("exportXlsx")}</h2>
      <button type="button" disabled={!!job && job.status !== "done" && job.status !== "failed"} onClick={() => {
        setError("");
        api.post<Export>("/v1/exports", { format: "xlsx", ...range(), time_zone: ZONE })
          .then(setJob, (e) => setError(errorText(e)));
      }}>{t("exportStart")}</button>
      {job && job.status !== "done" && job.status !== "failed" && (
        <progress max={1} value={job.progress} aria-label={t("uploadProgress", { p: Math.round(job.progress * 100) })} />
      )}
      {job?.status === "done" && job.download_url && <a href={job.download_url} download>{t("download")}</a>}
      {job?.status === "failed" && <p class="error" role="alert">{job.error}</p>}
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
