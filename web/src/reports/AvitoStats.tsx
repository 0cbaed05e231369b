// Avito statistics (views, contacts, favorites, calls, spending, balances) of the chosen
// accounts over a period, all together and per account (POST /v1/analytics/reports, twice),
// a bar per account for one figure, and a partial report shown as partial: "no data" where a
// figure was not fetched, and each reason the API gave.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Key } from "../i18n";
import { useSession } from "../session";
import type { Channel, Relative, ReportDoc, ReportSection, ReportSpec } from "../types";
import { AccountPicker, RelativePicker } from "./pickers";
import { AVITO_METRICS, type AvitoMetric, barShares, CHARTED, formatValue, problemsOf, unitOf } from "./reportValues";

interface Stats { combined: ReportDoc; accounts: ReportDoc }

// The first report naming an account waits for its first refresh (up to 30 s on the server).
const REPORT_TIMEOUT_MS = 60_000;

export function AvitoStats({ channels }: { channels: Channel[] }) {
  const { t } = useSession();
  if (!channels.some((c) => c.kind === "avito")) {
    return (
      <section class="card avito-stats" aria-labelledby="avito-stats">
        <h2 id="avito-stats">{t("avitoStats")}</h2>
        <p class="muted">{t("noAvitoAccounts")}</p>
      </section>
    );
  }
  return <AvitoFigures channels={channels} />;
}

function AvitoFigures({ channels }: { channels: Channel[] }) {
  const { t, errorText } = useSession();
  const [picked, setPicked] = useState<string[]>([]);
  const [relative, setRelative] = useState<Relative>("last_7_days");
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    const cancel = new AbortController();
    const spec = (combined: boolean): ReportSpec => ({ channel_ids: picked, combined,
      metrics: [...AVITO_METRICS], relative, time_zone: "" });
    const render = (combined: boolean) => api.post<ReportDoc>("/v1/analytics/reports?format=json",
      spec(combined), { signal: cancel.signal, timeoutMs: REPORT_TIMEOUT_MS });
    setStats(null);
    setError("");
    Promise.all([render(true), render(false)]).then(
      ([combined, accounts]) => setStats({ combined, accounts }),
      (e) => { if (!cancel.signal.aborted) setError(errorText(e)); });
    return () => cancel.abort();
  }, [picked.join(","), relative]);

  return (
    <section class="card avito-stats" aria-labelledby="avito-stats" aria-busy={!stats && !error}>
      <h2 id="avito-stats">{t("avitoStats")}</h2>
      <div class="pickers">
        <RelativePicker value={relative} onChange={setRelative} />
        <AccountPicker legend={t("repAccounts")} channels={channels} picked={picked} onChange={setPicked} />
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {!stats && !error && <p>{t("loading")}</p>}
      {stats && <StatsView stats={stats} channels={channels} />}
    </section>
  );
}

/** An account's section by the account's name as this page knows it: the service's titles lag
 * a freshly connected account by up to half a minute ("Аккаунт 1a2b3c4d"). */
function titled(section: ReportSection, channels: Channel[]): ReportSection {
  const [only] = section.channel_ids;
  const channel = section.channel_ids.length === 1 ? channels.find((c) => c.id === only) : undefined;
  return channel ? { ...section, title: channel.name } : section;
}

function StatsView({ stats, channels }: { stats: Stats; channels: Channel[] }) {
  const { t, lang } = useSession();
  // One account: its own section is the combined one.
  const several = stats.accounts.sections.length > 1;
  const accounts = stats.accounts.sections.map((s) => titled(s, channels));
  const sections = several ? [...stats.combined.sections, ...accounts] : stats.combined.sections.map((s) => titled(s, channels));
  const problems = problemsOf([stats.combined, stats.accounts]);
  const period = stats.combined.period;
  return (
    <>
      <p class="muted">{t("reportPeriod", { from: period.from_date, to: period.to_date, zone: stats.combined.time_zone })}</p>
      {problems.length > 0 && (
        <div class="partial" role="status" data-testid="partial">
          <b>{t("partialData")}</b>
          <ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}
      <div class="table-scroll" tabIndex={0} role="region" aria-label={t("avitoStatsTable")}>
        <table class="stats">
          <thead><tr><th scope="col">{t("repMetric")}</th>
            {sections.map((s, i) => <th key={i} scope="col">{s.title}</th>)}</tr></thead>
          <tbody>
            {AVITO_METRICS.map((key) => (
              <tr key={key} data-metric={key}>
                <th scope="row">{t(`metric_${key}` as Key)}</th>
                {sections.map((s, i) => {
                  const value = s.values[key] ?? null;
                  return <td key={i} data-account={s.title} class={value === null ? "missing" : ""}>{formatValue(value, unitOf(key), lang, t)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {several && <AccountBars sections={accounts} />}
    </>
  );
}

function AccountBars({ sections }: { sections: ReportSection[] }) {
  const { t, lang } = useSession();
  const [key, setKey] = useState<AvitoMetric>("views");
  const values = sections.map((s) => s.values[key] ?? null);
  const shares = barShares(values);
  return (
    <figure class="account-bars" aria-labelledby="bars-caption">
      <figcaption id="bars-caption">
        <label>{t("chartMetric")}
          <select value={key} onChange={(e) => setKey(e.currentTarget.value as AvitoMetric)}>
            {CHARTED.map((k) => <option key={k} value={k}>{t(`metric_${k}` as Key)}</option>)}
          </select>
        </label>
      </figcaption>
      <ul class="hbars">
        {sections.map((s, i) => (
          <li key={i}>
            <span>{s.title}</span>
            <span class="track">{shares[i] !== null && <span class="fill" style={{ width: `${(shares[i] ?? 0) * 100}%` }} />}</span>
            <b class={values[i] === null ? "missing" : ""}>{formatValue(values[i] ?? null, unitOf(key), lang, t)}</b>
          </li>
        ))}
      </ul>
    </figure>
  );
}
