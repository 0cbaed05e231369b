// The schedule's rule: daily, every N days from a first day, weekly on chosen weekdays, or
// monthly on a day (a day some months lack: their last day, as the note under it says).

import type { Key } from "../i18n";
import { useSession } from "../session";
import type { RuleKind } from "../types";
import type { Invalid, Note } from "./ScheduleForm";
import { MAX_EVERY_N_DAYS, type ScheduleDraft, toggle, WEEKDAYS } from "./scheduleForm";

const KINDS: RuleKind[] = ["daily", "every_n_days", "weekly", "monthly"];

export function RuleFields({ draft, set, note, invalid }: {
  draft: ScheduleDraft; set(p: Partial<ScheduleDraft>): void; note: Note; invalid: Invalid;
}) {
  const { t } = useSession();
  return (
    <fieldset class="choices">
      <legend>{t("schedRule")}</legend>
      <label>{t("schedRuleKind")}
        <select value={draft.kind} onChange={(e) => set({ kind: e.currentTarget.value as RuleKind })}>
          {KINDS.map((k) => <option key={k} value={k}>{t(`rule_${k}` as Key)}</option>)}
        </select></label>
      {draft.kind === "every_n_days" && (
        <div class="row-fields">
          <label>{t("schedEveryNDays")}
            <input type="number" min={1} max={MAX_EVERY_N_DAYS} value={draft.n}
              onInput={(e) => set({ n: e.currentTarget.value })} {...invalid("n")} /></label>
          <label>{t("schedStartDate")}
            <input type="date" value={draft.startDate} onInput={(e) => set({ startDate: e.currentTarget.value })} {...invalid("startDate")} /></label>
        </div>
      )}
      {note("n")}{note("startDate")}
      {draft.kind === "weekly" && (
        <fieldset class="segmented weekdays" {...invalid("weekdays")}>
          <legend class="sr-only">{t("schedWeekdays")}</legend>
          {WEEKDAYS.map((d) => (
            <label key={d}><input type="checkbox" checked={draft.weekdays.includes(d)}
              onChange={(e) => set({ weekdays: toggle(draft.weekdays, d, e.currentTarget.checked) })} />
              <abbr title={t(`weekday${d}` as Key)}>{t(`wd${d}` as Key)}</abbr></label>
          ))}
        </fieldset>
      )}
      {note("weekdays")}
      {draft.kind === "monthly" && (
        <label>{t("schedDayOfMonth")}
          <input type="number" min={1} max={31} value={draft.dayOfMonth}
            onInput={(e) => set({ dayOfMonth: e.currentTarget.value })} {...invalid("dayOfMonth")} /></label>
      )}
      {draft.kind === "monthly" && note("dayOfMonth")}
    </fieldset>
  );
}
