// Reports on a schedule (/v1/schedules): the list with each one's rule, destination, next and
// last run; make, change, delete (after a confirmation), run now, and the run history. Changing
// needs the write scope, as the API says; a reader sees the list and the history.

import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { Key, T } from "../i18n";
import { formatTime, useSession } from "../session";
import type { Channel, MetricInfo, Schedule, TelegramBot } from "../types";
import { RunHistory } from "./RunHistory";
import { type Chat, ScheduleForm } from "./ScheduleForm";

type Editing = { schedule: Schedule | null } | null; // null: no form; schedule null: a new one

export function describeRule(s: Schedule, t: T): string {
  const r = s.recurrence;
  const at = t("atTime", { time: s.local_time, zone: s.time_zone });
  if (r.kind === "every_n_days") return `${t("everyNDaysFrom", { n: r.n ?? 1, date: r.start_date ?? "" })}, ${at}`;
  if (r.kind === "weekly") return `${(r.weekdays ?? []).map((d) => t(`wd${d}` as Key)).join(", ")}, ${at}`;
  if (r.kind === "monthly") return `${t("monthlyOn", { day: r.day_of_month ?? 1 })}, ${at}`;
  return `${t("rule_daily")}, ${at}`;
}

export function Schedules({ channels }: { channels: Channel[] }) {
  const { t, lang, me, errorText } = useSession();
  const canWrite = me.scopes.includes("write");
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [metrics, setMetrics] = useState<MetricInfo[]>([]);
  const [chats, setChats] = useState<Chat[]>([]);
  const [editing, setEditing] = useState<Editing>(null);
  const [open, setOpen] = useState<{ id: string; generation: number } | null>(null);
  const [confirming, setConfirming] = useState("");
  const [error, setError] = useState("");

  const load = () => api.get<{ items: Schedule[] }>("/v1/schedules?limit=100")
    .then((r) => setSchedules(r.items), (e) => setError(errorText(e)));
  useEffect(() => {
    void load();
    api.get<MetricInfo[]>("/v1/analytics/metrics").then(setMetrics, (e) => setError(errorText(e)));
    api.get<{ items: TelegramBot[] }>("/v1/telegram/bots").then(
      (r) => setChats(r.items.flatMap((b) => (b.group ? [b.group] : []))), () => setChats([]));
  }, []);

  async function act(call: () => Promise<unknown>) {
    setError("");
    try {
      await call();
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  }
  const runNow = (s: Schedule) => act(async () => {
    await api.post(`/v1/schedules/${s.id}/run`);
    setOpen({ id: s.id, generation: (open?.generation ?? 0) + 1 });
  });
  const remove = (s: Schedule) => act(async () => {
    await api.delete(`/v1/schedules/${s.id}`);
    setConfirming("");
    if (open?.id === s.id) setOpen(null);
  });

  return (
    <section class="card schedules" aria-labelledby="schedules">
      <h2 id="schedules">{t("schedulesTitle")}</h2>
      {canWrite && !editing && (
        <button type="button" class="inline" onClick={() => setEditing({ schedule: null })}>{t("newSchedule")}</button>
      )}
      {editing && (
        <ScheduleForm key={editing.schedule?.id ?? "new"} schedule={editing.schedule} channels={channels}
          metrics={metrics} chats={chats} onCancel={() => setEditing(null)}
          onSaved={() => { setEditing(null); void load(); }} />
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {schedules === null ? <p>{t("loading")}</p> : schedules.length === 0 ? <p class="muted">{t("noSchedules")}</p> : (
        <ul class="schedule-list">
          {schedules.map((s) => (
            <li key={s.id} class="schedule" data-schedule={s.name}>
              <div class="schedule-head">
                <b>{s.name}</b>{!s.enabled && <span class="tag">{t("scheduleOff")}</span>}
              </div>
              <p>{describeRule(s, t)}</p>
              <p class="muted">{s.destination.kind === "telegram"
                ? t("toTelegram", { chat: chats.find((c) => c.chat_id === s.destination.chat_id)?.title ?? String(s.destination.chat_id) })
                : t("toWebhook", { url: s.destination.url ?? "" })}</p>
              <p class="muted">{t("schedNextRun")}: {s.next_run_at ? formatTime(s.next_run_at, lang) : "—"}
                {s.last_run && <> · {t("schedLastRun")}: {t(`run_${s.last_run.status}` as Key)}</>}</p>
              <div class="actions">
                <button type="button" class="secondary" aria-expanded={open?.id === s.id}
                  onClick={() => setOpen(open?.id === s.id ? null : { id: s.id, generation: 0 })}>{t("runHistory")}</button>
                {canWrite && <>
                  <button type="button" class="secondary" onClick={() => void runNow(s)}>{t("schedRunNow")}</button>
                  <button type="button" class="secondary" onClick={() => setEditing({ schedule: s })}>{t("schedEdit")}</button>
                  {confirming === s.id
                    ? <ConfirmDelete name={s.name} onYes={() => void remove(s)} onNo={() => setConfirming("")} />
                    : <button type="button" class="secondary" onClick={() => setConfirming(s.id)}>{t("schedDelete")}</button>}
                </>}
              </div>
              {open?.id === s.id && <RunHistory scheduleId={s.id} generation={open.generation} onSettled={() => void load()} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The question in place of the delete button; focus goes to the answer (Escape says no). */
function ConfirmDelete({ name, onYes, onNo }: { name: string; onYes(): void; onNo(): void }) {
  const { t } = useSession();
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    <span role="group" aria-label={t("confirmDelete", { name })} class="confirm"
      onKeyDown={(e) => { if (e.key === "Escape") onNo(); }}>
      {t("confirmDelete", { name })}
      <button type="button" ref={yes} onClick={onYes}>{t("yesDelete")}</button>
      <button type="button" class="secondary" onClick={onNo}>{t("schedCancel")}</button>
    </span>
  );
}
