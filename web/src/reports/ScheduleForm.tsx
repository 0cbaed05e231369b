// Making or changing a schedule: the rule, the local time and zone, the missed-run policy, the
// destination (a Telegram chat through the tenant's bot, or a signed webhook) and the report.
// The form's own checks and the API's refusal are shown beside it; what was typed stays.

import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { Key } from "../i18n";
import { useSession } from "../session";
import type { Channel, MetricInfo, Schedule } from "../types";
import { AccountPicker, RelativePicker } from "./pickers";
import { RuleFields } from "./RuleFields";
import {
  check, draftOf, emptyDraft, type Field, monthlyClampNote, type Problem, type ScheduleDraft, toBody, toggle,
} from "./scheduleForm";

export interface Chat { chat_id: number; title: string }

interface Props {
  schedule: Schedule | null; // null: a new one
  channels: Channel[];
  metrics: MetricInfo[];
  chats: Chat[]; // the groups the tenant's bots post to
  onSaved(s: Schedule): void;
  onCancel(): void;
}

export function ScheduleForm({ schedule, channels, metrics, chats, onSaved, onCancel }: Props) {
  const { t, errorText } = useSession();
  const [draft, setDraft] = useState<ScheduleDraft>(() => (schedule ? draftOf(schedule) : emptyDraft()));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const name = useRef<HTMLInputElement>(null);
  useEffect(() => name.current?.focus(), []);
  const set = (patch: Partial<ScheduleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const says = (field: Field) => problems.find((p) => p.field === field) ?? (field === "dayOfMonth" ? monthlyClampNote(draft) : null);
  const note = (field: Field) => {
    const p = says(field);
    return p ? <p id={`sf-${field}`} class={p.key === "sfDayClamp" ? "muted hint" : "error"}>{t(p.key, p.vars)}</p> : null;
  };
  const invalid = (field: Field) => ({ "aria-invalid": problems.some((p) => p.field === field),
    "aria-describedby": says(field) ? `sf-${field}` : undefined });

  async function submit(e: Event) {
    e.preventDefault();
    const found = check(draft);
    setProblems(found);
    setError("");
    if (found.length) return;
    setBusy(true);
    try {
      const body = toBody(draft);
      onSaved(schedule ? await api.patch<Schedule>(`/v1/schedules/${schedule.id}`, body)
        : await api.post<Schedule>("/v1/schedules", body));
    } catch (err) {
      setError(errorText(err)); // the API's words; the input stays to correct
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card schedule-form" onSubmit={submit} aria-labelledby="schedule-form-title" noValidate>
      <h3 id="schedule-form-title">{schedule ? t("editSchedule") : t("newSchedule")}</h3>
      <label>{t("scheduleName")}
        <input ref={name} value={draft.name} maxLength={200} onInput={(e) => set({ name: e.currentTarget.value })} {...invalid("name")} /></label>
      {note("name")}
      <RuleFields draft={draft} set={set} note={note} invalid={invalid} />
      <div class="row-fields">
        <label>{t("schedLocalTime")}
          <input type="time" value={draft.localTime} onInput={(e) => set({ localTime: e.currentTarget.value })} {...invalid("localTime")} /></label>
        <label>{t("schedTimeZone")}
          <input value={draft.timeZone} list="sf-zones" onInput={(e) => set({ timeZone: e.currentTarget.value })} {...invalid("timeZone")} /></label>
        <datalist id="sf-zones">{Intl.supportedValuesOf("timeZone").map((z) => <option key={z} value={z} />)}</datalist>
      </div>
      {note("localTime")}{note("timeZone")}
      <label>{t("missedRuns")}
        <select value={draft.policy} onChange={(e) => set({ policy: e.currentTarget.value as ScheduleDraft["policy"] })}>
          <option value="fire_once_late">{t("policy_fire_once_late")}</option>
          <option value="skip">{t("policy_skip")}</option>
        </select></label>
      <DestinationFields draft={draft} set={set} chats={chats} note={note} invalid={invalid} />
      <fieldset class="choices">
        <legend>{t("reportContents")}</legend>
        {draft.range ? (
          <label class="check"><input type="checkbox" checked onChange={() => set({ range: null })} />
            {t("fixedRange", { from: draft.range.from || "…", to: draft.range.to || "…" })}</label>
        ) : <RelativePicker value={draft.relative} onChange={(relative) => set({ relative })} />}
        <label class="check"><input type="checkbox" checked={!draft.combined}
          onChange={(e) => set({ combined: !e.currentTarget.checked })} />{t("perAccount")}</label>
        <AccountPicker legend={t("repAccounts")} channels={channels} picked={draft.channelIds} onChange={(channelIds) => set({ channelIds })} />
        <fieldset class="choices metrics">
          <legend>{t("metricsLegend")}</legend>
          {metrics.map((m) => (
            <label key={m.key} class="check"><input type="checkbox" checked={draft.metrics.includes(m.key)}
              onChange={(e) => set({ metrics: toggle(draft.metrics, m.key, e.currentTarget.checked) })} />
              {t(`metric_${m.key}` as Key) || m.title}</label>
          ))}
          <p class="muted hint">{t("noneMeansDefaults")}</p>
        </fieldset>
      </fieldset>
      <label class="check"><input type="checkbox" checked={draft.enabled}
        onChange={(e) => set({ enabled: e.currentTarget.checked })} />{t("scheduleEnabled")}</label>
      {problems.length > 0 && <p class="error" role="alert">{t("sfFix")}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" disabled={busy}>{t("save")}</button>
        <button type="button" class="secondary" onClick={onCancel}>{t("schedCancel")}</button>
      </div>
    </form>
  );
}

export type Note = (field: Field) => preact.JSX.Element | null;
export type Invalid = (field: Field) => { "aria-invalid": boolean; "aria-describedby": string | undefined };

function DestinationFields({ draft, set, chats, note, invalid }: {
  draft: ScheduleDraft; set(p: Partial<ScheduleDraft>): void; chats: Chat[]; note: Note; invalid: Invalid;
}) {
  const { t } = useSession();
  const known = chats.some((c) => String(c.chat_id) === draft.chatId);
  return (
    <fieldset class="choices">
      <legend>{t("schedDestination")}</legend>
      <div class="segmented">
        {(["telegram", "webhook"] as const).map((kind) => (
          <label key={kind}><input type="radio" name="sf-destination" checked={draft.destination === kind}
            onChange={() => set({ destination: kind })} />{t(`dest_${kind}`)}</label>
        ))}
      </div>
      {draft.destination === "telegram" ? (
        <>
          {chats.length > 0 && (
            <label>{t("botChat")}
              <select value={known ? draft.chatId : ""} onChange={(e) => set({ chatId: e.currentTarget.value })}>
                <option value="">{t("otherChat")}</option>
                {chats.map((c) => <option key={c.chat_id} value={String(c.chat_id)}>{c.title}</option>)}
              </select></label>
          )}
          <label>{t("schedChatId")}
            <input inputMode="numeric" value={draft.chatId} onInput={(e) => set({ chatId: e.currentTarget.value })} {...invalid("chatId")} /></label>
          {note("chatId")}
          <label>{t("schedThreadId")}
            <input inputMode="numeric" value={draft.threadId} onInput={(e) => set({ threadId: e.currentTarget.value })} {...invalid("threadId")} /></label>
          {note("threadId")}
          <p class="muted hint">{t("chatHint")}</p>
        </>
      ) : (
        <>
          <label>{t("webhookUrl")}
            <input type="url" value={draft.url} placeholder="https://" onInput={(e) => set({ url: e.currentTarget.value })} {...invalid("url")} /></label>
          {note("url")}
          <label>{t("webhookSecret")}
            <input type="password" autoComplete="new-password" value={draft.secret}
              placeholder={draft.secretSet ? t("secretKept") : ""} onInput={(e) => set({ secret: e.currentTarget.value })} {...invalid("secret")} /></label>
          {note("secret")}
        </>
      )}
    </fieldset>
  );
}
