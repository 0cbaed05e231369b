import { describe, expect, it } from "vitest";
import type { Schedule } from "../types";
import { check, draftOf, emptyDraft, isZone, monthlyClampNote, toBody, toggle, today } from "./scheduleForm";

const NOW = new Date("2026-12-03T22:30:00Z");
const draft = (over: Partial<ReturnType<typeof emptyDraft>> = {}) =>
  ({ ...emptyDraft("Europe/Moscow", NOW), name: "Неделя", chatId: "-1001", ...over });
const fields = (d: ReturnType<typeof draft>) => check(d).map((p) => p.field);

describe("the schedule form", () => {
  it("starts weekly on Monday at 09:00 in the given zone, today counted there", () => {
    const d = emptyDraft("Europe/Moscow", NOW);
    expect([d.kind, d.weekdays, d.localTime, d.timeZone, d.policy]).toEqual(
      ["weekly", [1], "09:00", "Europe/Moscow", "fire_once_late"]);
    expect(d.startDate).toBe("2026-12-04"); // already the 4th in Moscow
    expect(today("America/New_York", NOW)).toBe("2026-12-03");
    expect(today("Not/AZone", NOW)).toBe("2026-12-03"); // UTC then
  });

  it("maps every rule kind to its own fields only", () => {
    expect(toBody(draft({ kind: "daily" })).recurrence).toEqual({ kind: "daily" });
    expect(toBody(draft({ kind: "every_n_days", n: "3", startDate: "2026-12-10" })).recurrence)
      .toEqual({ kind: "every_n_days", n: 3, start_date: "2026-12-10" });
    expect(toBody(draft({ kind: "weekly", weekdays: [5, 1, 3] })).recurrence)
      .toEqual({ kind: "weekly", weekdays: [1, 3, 5] });
    expect(toBody(draft({ kind: "monthly", dayOfMonth: "15" })).recurrence)
      .toEqual({ kind: "monthly", day_of_month: 15 });
  });

  it("refuses what the service would, per rule", () => {
    expect(fields(draft())).toEqual([]);
    expect(fields(draft({ kind: "weekly", weekdays: [] }))).toEqual(["weekdays"]);
    expect(fields(draft({ kind: "every_n_days", n: "0" }))).toEqual(["n"]);
    expect(fields(draft({ kind: "every_n_days", n: "367" }))).toEqual(["n"]);
    expect(fields(draft({ kind: "every_n_days", n: "2.5", startDate: "" }))).toEqual(["n", "startDate"]);
    expect(fields(draft({ kind: "monthly", dayOfMonth: "32" }))).toEqual(["dayOfMonth"]);
    expect(fields(draft({ kind: "monthly", dayOfMonth: "0" }))).toEqual(["dayOfMonth"]);
    expect(fields(draft({ name: "  ", localTime: "24:00" }))).toEqual(["name", "localTime"]);
    expect(fields(draft({ localTime: "9:00" }))).toEqual(["localTime"]);
  });

  it("says when a monthly day falls past some months' end (the last day then), not as an error", () => {
    expect(monthlyClampNote(draft({ kind: "monthly", dayOfMonth: "28" }))).toBeNull();
    expect(monthlyClampNote(draft({ kind: "monthly", dayOfMonth: "31" })))
      .toEqual({ field: "dayOfMonth", key: "sfDayClamp", vars: { day: 31 } });
    expect(monthlyClampNote(draft({ kind: "weekly", dayOfMonth: "31" }))).toBeNull();
    expect(fields(draft({ kind: "monthly", dayOfMonth: "31" }))).toEqual([]);
  });

  it("checks the zone against the IANA names the browser knows", () => {
    expect(isZone("Asia/Yekaterinburg")).toBe(true);
    expect(isZone("Moscow")).toBe(false);
    expect(isZone("")).toBe(false);
    expect(check(draft({ timeZone: "Mars/Olympus" }))).toEqual(
      [{ field: "timeZone", key: "sfTimeZone", vars: { zone: "Mars/Olympus" } }]);
    expect(toBody(draft({ timeZone: "Asia/Yekaterinburg" })).time_zone).toBe("Asia/Yekaterinburg");
  });

  it("sends a Telegram chat as numbers, a topic only when given", () => {
    expect(toBody(draft({ chatId: "-1001234567890" })).destination)
      .toEqual({ kind: "telegram", chat_id: -1001234567890, message_thread_id: null });
    expect(toBody(draft({ threadId: "7" })).destination.message_thread_id).toBe(7);
    expect(fields(draft({ chatId: "" }))).toEqual(["chatId"]);
    expect(fields(draft({ chatId: "@shop" }))).toEqual(["chatId"]);
    expect(fields(draft({ threadId: "-2" }))).toEqual(["threadId"]);
  });

  it("wants a webhook's http(s) URL and a long secret, except one already stored", () => {
    const hook = { destination: "webhook" as const, url: "https://example.com/r", secret: "s".repeat(16) };
    expect(fields(draft(hook))).toEqual([]);
    expect(toBody(draft(hook)).destination).toEqual({ kind: "webhook", url: "https://example.com/r", secret: "s".repeat(16) });
    expect(fields(draft({ ...hook, url: "ftp://example.com" }))).toEqual(["url"]);
    expect(fields(draft({ ...hook, url: "not a url" }))).toEqual(["url"]);
    expect(check(draft({ ...hook, secret: "short" }))).toEqual(
      [{ field: "secret", key: "sfSecret", vars: { n: 16 } }]);
    expect(fields(draft({ ...hook, secret: "" }))).toEqual(["secret"]);
    const stored = draft({ ...hook, secret: "", secretSet: true });
    expect(fields(stored)).toEqual([]);
    expect(toBody(stored).destination).toEqual({ kind: "webhook", url: "https://example.com/r" });
  });

  it("reads a stored schedule back into the same draft", () => {
    const body = toBody(draft({ kind: "monthly", dayOfMonth: "31", policy: "skip", channelIds: ["a"],
      metrics: ["views"], combined: false, relative: "previous_month" }));
    const stored: Schedule = { ...body, id: "s1", next_run_at: null, last_run: null };
    const back = draftOf(stored);
    expect(toBody(back)).toEqual(body);
    expect(back.weekdays).toEqual([1]); // the other rules' inputs keep usable defaults
    const hook: Schedule = { ...stored, destination: { kind: "webhook", url: "https://x.example/h", secret_set: true } };
    expect([draftOf(hook).secretSet, draftOf(hook).secret, draftOf(hook).url]).toEqual([true, "", "https://x.example/h"]);
  });

  it("keeps a report's explicit dates (set through the API) until they are dropped", () => {
    const body = toBody(draft());
    const stored: Schedule = { ...body, id: "s2", next_run_at: null, last_run: null,
      report: { ...body.report, relative: null, from_date: "2026-11-01", to_date: "2026-11-30" } };
    const back = draftOf(stored);
    expect(back.range).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(toBody(back).report).toEqual(stored.report);
    expect(toBody({ ...back, range: null, relative: "previous_month" }).report)
      .toEqual({ ...body.report, relative: "previous_month" });
  });

  it("toggles a choice once", () => {
    expect(toggle([1], 3, true)).toEqual([1, 3]);
    expect(toggle([1, 3], 3, true)).toEqual([1, 3]);
    expect(toggle([1, 3], 1, false)).toEqual([3]);
  });
});
