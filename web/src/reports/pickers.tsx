// Choices the statistics block and the schedule form share: a report's period and its accounts.

import type { Key } from "../i18n";
import { useSession } from "../session";
import type { Channel, Relative } from "../types";
import { toggle } from "./scheduleForm";

export const RELATIVES: Relative[] = ["yesterday", "today_so_far", "last_7_days", "last_30_days",
  "previous_week", "previous_month", "month_to_date"];

export function RelativePicker({ value, onChange }: { value: Relative; onChange(r: Relative): void }) {
  const { t } = useSession();
  return (
    <label>{t("reportPeriodLabel")}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as Relative)}>
        {RELATIVES.map((r) => <option key={r} value={r}>{t(`rel_${r}` as Key)}</option>)}
      </select>
    </label>
  );
}

/** Checkboxes of the tenant's Avito accounts; none ticked means every account. */
export function AccountPicker({ legend, channels, picked, onChange }: {
  legend: string; channels: Channel[]; picked: string[]; onChange(ids: string[]): void;
}) {
  const { t } = useSession();
  const avito = channels.filter((c) => c.kind === "avito");
  return (
    <fieldset class="choices">
      <legend>{legend}</legend>
      {avito.length === 0 && <p class="muted">{t("noChannels")}</p>}
      {avito.map((c) => (
        <label key={c.id} class="check">
          <input type="checkbox" checked={picked.includes(c.id)}
            onChange={(e) => onChange(toggle(picked, c.id, e.currentTarget.checked))} />
          {c.name}
        </label>
      ))}
      {avito.length > 0 && <p class="muted hint">{t("noneMeansAll")}</p>}
    </fieldset>
  );
}
