// Reports: the inbox's figures over a period (total and by day), the Avito statistics of the
// accounts, reports on a schedule, and an export of the period to Excel. The parts live in
// web/src/reports/.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { AvitoStats } from "../reports/AvitoStats";
import { ExportBox } from "../reports/ExportBox";
import { InboxBreakdown } from "../reports/InboxBreakdown";
import { InboxFigures, lastDays } from "../reports/InboxFigures";
import { Schedules } from "../reports/Schedules";
import { browserZone } from "../reports/scheduleForm";
import { useSession } from "../session";
import type { Channel } from "../types";

export function Reports() {
  const { t, errorText } = useSession();
  const [days, setDays] = useState(7);
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [error, setError] = useState("");
  const zone = browserZone();

  useEffect(() => {
    api.get<{ items: Channel[] }>("/v1/channels?limit=100")
      .then((r) => setChannels(r.items), (e) => setError(errorText(e)));
  }, []);

  return (
    <div class="page">
      <h1>{t("reportsTitle")}</h1>
      <label class="period">{t("period")}
        <select value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          {[1, 7, 30, 90].map((d) => <option key={d} value={d}>{t("lastDays", { n: d })}</option>)}
        </select>
      </label>
      <InboxFigures days={days} zone={zone} />
      <InboxBreakdown days={days} zone={zone} />
      <ExportBox range={() => lastDays(days)} zone={zone} />
      {error && <p class="error" role="alert">{error}</p>}
      {channels && <AvitoStats channels={channels} />}
      {channels && <Schedules channels={channels} />}
    </div>
  );
}
