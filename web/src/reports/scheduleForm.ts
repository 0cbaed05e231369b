// The schedule form's state and its mapping to and from the API (POST/PATCH /v1/schedules).
// Inputs are kept as typed (strings), so a refused value stays on screen to correct; `check`
// finds what the scheduling service would refuse before asking it, in the form's words.

import type { Key } from "../i18n";
import type {
  MissedRunPolicy, Relative, RuleKind, Schedule, ScheduleBody, ScheduleDestination,
} from "../types";

export interface ScheduleDraft {
  name: string;
  kind: RuleKind;
  n: string; // every_n_days
  startDate: string; // every_n_days: YYYY-MM-DD, the first firing day
  weekdays: number[]; // weekly: 1 = Monday ... 7 = Sunday
  dayOfMonth: string; // monthly
  localTime: string; // HH:MM
  timeZone: string; // IANA
  policy: MissedRunPolicy;
  destination: "telegram" | "webhook";
  chatId: string;
  threadId: string;
  url: string;
  secret: string; // "" when editing keeps the stored one
  secretSet: boolean;
  channelIds: string[]; // none: every account
  combined: boolean;
  metrics: string[]; // none: the defaults
  relative: Relative;
  range: { from: string; to: string } | null; // explicit dates set through the API, kept until dropped
  enabled: boolean;
}

export type Field = "name" | "n" | "startDate" | "weekdays" | "dayOfMonth" | "localTime" |
  "timeZone" | "chatId" | "threadId" | "url" | "secret";

export interface Problem { field: Field; key: Key; vars?: Record<string, string | number> }

export const MAX_EVERY_N_DAYS = 366;
export const MIN_SECRET_LENGTH = 16;
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const INTEGER = /^-?\d+$/;

/** The browser's IANA zone, the form's default. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Whether the runtime knows `zone` as an IANA time zone. */
export function isZone(zone: string): boolean {
  if (!zone.trim()) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Today's date in `zone`, YYYY-MM-DD (en-CA formats dates that way). */
export function today(zone: string, now: Date = new Date()): string {
  return now.toLocaleDateString("en-CA", { timeZone: isZone(zone) ? zone : "UTC" });
}

export function emptyDraft(zone: string = browserZone(), now: Date = new Date()): ScheduleDraft {
  return {
    name: "", kind: "weekly", n: "2", startDate: today(zone, now), weekdays: [1],
    dayOfMonth: "1", localTime: "09:00", timeZone: zone, policy: "fire_once_late",
    destination: "telegram", chatId: "", threadId: "", url: "", secret: "", secretSet: false,
    channelIds: [], combined: true, metrics: [], relative: "yesterday", range: null, enabled: true,
  };
}

export function draftOf(s: Schedule): ScheduleDraft {
  const r = s.recurrence;
  const d = s.destination;
  const base = emptyDraft(s.time_zone);
  return {
    ...base,
    name: s.name, kind: r.kind,
    n: r.n ? String(r.n) : base.n,
    startDate: r.start_date ?? base.startDate,
    weekdays: r.weekdays?.length ? [...r.weekdays] : base.weekdays,
    dayOfMonth: r.day_of_month ? String(r.day_of_month) : base.dayOfMonth,
    localTime: s.local_time, timeZone: s.time_zone, policy: s.missed_run_policy,
    destination: d.kind,
    chatId: d.chat_id ? String(d.chat_id) : "",
    threadId: d.message_thread_id ? String(d.message_thread_id) : "",
    url: d.url ?? "", secretSet: !!d.secret_set,
    channelIds: [...s.report.channel_ids], combined: s.report.combined,
    metrics: [...s.report.metrics], relative: s.report.relative ?? "yesterday",
    range: s.report.from_date || s.report.to_date
      ? { from: s.report.from_date ?? "", to: s.report.to_date ?? "" } : null,
    enabled: s.enabled,
  };
}

function integerIn(value: string, min: number, max: number): boolean {
  if (!INTEGER.test(value.trim())) return false;
  const n = Number(value);
  return n >= min && n <= max;
}

function checkRule(d: ScheduleDraft, out: Problem[]): void {
  if (d.kind === "every_n_days") {
    if (!integerIn(d.n, 1, MAX_EVERY_N_DAYS)) out.push({ field: "n", key: "sfEveryN", vars: { max: MAX_EVERY_N_DAYS } });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d.startDate)) out.push({ field: "startDate", key: "sfStartDate" });
  } else if (d.kind === "weekly" && d.weekdays.length === 0) {
    out.push({ field: "weekdays", key: "sfWeekdays" });
  } else if (d.kind === "monthly" && !integerIn(d.dayOfMonth, 1, 31)) {
    out.push({ field: "dayOfMonth", key: "sfDayOfMonth" });
  }
}

function checkDestination(d: ScheduleDraft, out: Problem[]): void {
  if (d.destination === "telegram") {
    if (!INTEGER.test(d.chatId.trim()) || Number(d.chatId) === 0) out.push({ field: "chatId", key: "sfChatId" });
    if (d.threadId.trim() && !integerIn(d.threadId, 1, Number.MAX_SAFE_INTEGER)) {
      out.push({ field: "threadId", key: "sfThreadId" });
    }
    return;
  }
  if (!isHttpUrl(d.url.trim())) out.push({ field: "url", key: "sfUrl" });
  if (d.secret ? d.secret.length < MIN_SECRET_LENGTH : !d.secretSet) {
    out.push({ field: "secret", key: "sfSecret", vars: { n: MIN_SECRET_LENGTH } });
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "https:" || u.protocol === "http:") && !!u.hostname;
  } catch {
    return false;
  }
}

/** What is wrong with the draft, field by field; empty when it may be sent. */
export function check(d: ScheduleDraft): Problem[] {
  const out: Problem[] = [];
  if (!d.name.trim()) out.push({ field: "name", key: "sfName" });
  checkRule(d, out);
  if (!TIME.test(d.localTime)) out.push({ field: "localTime", key: "sfLocalTime" });
  if (!isZone(d.timeZone)) out.push({ field: "timeZone", key: "sfTimeZone", vars: { zone: d.timeZone } });
  checkDestination(d, out);
  return out;
}

/** A monthly day some months lack fires on their last day: the form says so (not an error). */
export function monthlyClampNote(d: ScheduleDraft): Problem | null {
  if (d.kind !== "monthly" || !integerIn(d.dayOfMonth, 29, 31)) return null;
  return { field: "dayOfMonth", key: "sfDayClamp", vars: { day: Number(d.dayOfMonth) } };
}

function destinationOf(d: ScheduleDraft): ScheduleDestination {
  if (d.destination === "telegram") {
    return { kind: "telegram", chat_id: Number(d.chatId),
      message_thread_id: d.threadId.trim() ? Number(d.threadId) : null };
  }
  // No secret typed: the stored one is kept (PATCH); a new schedule was refused by `check`.
  return d.secret ? { kind: "webhook", url: d.url.trim(), secret: d.secret } : { kind: "webhook", url: d.url.trim() };
}

/** The request body of a checked draft: only the chosen rule's fields, numbers as numbers. */
export function toBody(d: ScheduleDraft): ScheduleBody {
  const recurrence = d.kind === "every_n_days" ? { kind: d.kind, n: Number(d.n), start_date: d.startDate }
    : d.kind === "weekly" ? { kind: d.kind, weekdays: [...d.weekdays].sort((a, b) => a - b) }
    : d.kind === "monthly" ? { kind: d.kind, day_of_month: Number(d.dayOfMonth) }
    : { kind: d.kind };
  return {
    name: d.name.trim(), recurrence, local_time: d.localTime, time_zone: d.timeZone.trim(),
    destination: destinationOf(d),
    // The report's days follow the schedule's zone ('' = the schedule's).
    report: { channel_ids: d.channelIds, combined: d.combined, metrics: d.metrics, time_zone: "",
      ...(d.range ? { relative: null, from_date: d.range.from || null, to_date: d.range.to || null }
        : { relative: d.relative }) },
    missed_run_policy: d.policy, enabled: d.enabled,
  };
}

/** Add or remove one item of a multiple choice (weekdays, accounts, metrics). */
export function toggle<T>(list: T[], item: T, on: boolean): T[] {
  return on ? (list.includes(item) ? list : [...list, item]) : list.filter((x) => x !== item);
}
