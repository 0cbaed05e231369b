// A schedule's runs, newest first (GET /v1/schedules/{id}/runs): status, when, the error.
// Polled while a run is pending, so "run now" ends in its outcome without a reload (and the
// list's "last run" is refreshed then).

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Key } from "../i18n";
import { formatTime, useSession } from "../session";
import type { ScheduleRun } from "../types";

const POLL_MS = 1000;

export function RunHistory({ scheduleId, generation, onSettled }: {
  scheduleId: string; generation: number; onSettled(): void; // a pending run ended
}) {
  const { t, lang, errorText } = useSession();
  const [runs, setRuns] = useState<ScheduleRun[] | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let waited = false;
    const load = () => api.get<{ items: ScheduleRun[] }>(`/v1/schedules/${scheduleId}/runs?limit=20`).then((r) => {
      if (stopped) return;
      setRuns(r.items);
      setError("");
      if (r.items.some((run) => run.status === "pending")) {
        waited = true;
        timer = setTimeout(load, POLL_MS);
      } else if (waited) onSettled();
    }, (e) => { if (!stopped) setError(errorText(e)); });
    void load();
    return () => { stopped = true; clearTimeout(timer); };
  }, [scheduleId, generation]);

  return (
    <section class="runs" aria-label={t("runHistory")}>
      {error && <p class="error" role="alert">{error}</p>}
      {runs === null ? <p>{t("loading")}</p> : runs.length === 0 ? <p class="muted">{t("noRuns")}</p> : (
        <table class="team">
          <thead><tr><th>{t("runWhen")}</th><th>{t("statusLabel")}</th><th>{t("runError")}</th></tr></thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.status}>
                <td>{formatTime(r.finished_at ?? r.started_at ?? r.scheduled_for, lang)}
                  {r.trigger === "manual" && <span class="tag">{t("runManual")}</span>}
                  {r.late && <span class="tag">{t("runLate")}</span>}</td>
                <td class={`run-${r.status}`}>{t(`run_${r.status}` as Key)}{r.partial ? ` · ${t("runPartial")}` : ""}</td>
                <td>{r.error || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
