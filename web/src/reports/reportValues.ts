// A report's raw values as the screen shows them: counts, money (kopecks to rubles), durations,
// and what was not had as "no data" (never a zero), plus the bars' lengths.

import type { Lang, T } from "../i18n";
import type { ReportDoc, ReportValue } from "../types";

/** The Avito metric keys the statistics block shows, in the service's catalogue order. */
export const AVITO_METRICS = ["views", "contacts", "favorites", "calls", "spending", "balance", "cpa_balance"] as const;
export type AvitoMetric = (typeof AVITO_METRICS)[number];
/** Figures over the period (bars compare them); the balances are a moment's value. */
export const CHARTED: AvitoMetric[] = ["views", "contacts", "favorites", "calls", "spending"];

const MONEY = new Set(["spending", "balance", "cpa_balance"]);

/** How a metric's raw value reads: kopecks for money, else a count (durations are objects). */
export function unitOf(key: string): "rub" | "count" {
  return MONEY.has(key) ? "rub" : "count";
}

const locale = (lang: Lang) => (lang === "ru" ? "ru-RU" : "en-GB");

export function formatValue(value: ReportValue, unit: string, lang: Lang, t: T): string {
  if (value === null || value === undefined) return t("repNoData");
  if (typeof value === "object") return `${span(value.median_s, t)} / ${span(value.p90_s, t)}`;
  if (unit === "rub") {
    return new Intl.NumberFormat(locale(lang), { style: "currency", currency: "RUB", maximumFractionDigits: 2 })
      .format(value / 100);
  }
  return new Intl.NumberFormat(locale(lang)).format(value);
}

function span(seconds: number, t: T): string {
  return seconds < 90 ? t("seconds", { n: Math.round(seconds) }) : t("minutes", { n: Math.round(seconds / 60) });
}

/** A bar's share of the longest one, 0..1; a missing value has no bar at all (null). */
export function barShares(values: ReportValue[]): (number | null)[] {
  const numbers = values.map((v) => (typeof v === "number" ? v : null));
  const peak = Math.max(0, ...numbers.map((v) => (v === null ? 0 : Math.abs(v))));
  return numbers.map((v) => (v === null ? null : peak === 0 ? 0 : Math.abs(v) / peak));
}

/** The problems of several renderings of one period, each once, in order. */
export function problemsOf(docs: ReportDoc[]): string[] {
  return [...new Set(docs.flatMap((d) => d.problems))];
}
