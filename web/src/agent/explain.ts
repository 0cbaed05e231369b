// Why the agent decided as it did, in the seller's words: the preview's machine reason code
// (answered, below_threshold, contradiction:<word>, ...) becomes a sentence of the dictionaries
// with its figures; a code this app does not know yet shows the server's own human reason.

import type { Key, T } from "../i18n";

export interface Entry {
  chunk_id: string;
  document_id: string;
  kind: string;
  text: string;
  question: string;
  score: number;
}

export interface PreviewOut {
  outcome: "reply" | "handoff" | "skipped";
  reply: string;
  reason: string;
  reason_code: string;
  confidence: number | null;
  threshold: number;
  chunks: Entry[];
  candidates: Entry[];
}

/** A 0..1 figure as the seller reads it: two decimals, "0.91". */
export function figure(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

const SIMPLE = new Set(["no_match", "asked_for_human", "low_confidence_streak", "model_answered",
  "model_handoff", "model_failure", "circuit_open"]);

/** The reason as a sentence; `reason` (the server's) when the code is unknown or empty. */
export function explain(p: Pick<PreviewOut, "reason" | "reason_code" | "confidence" | "threshold" | "candidates">, t: T): string {
  const [code, detail] = splitCode(p.reason_code);
  const c = figure(p.confidence ?? p.candidates[0]?.score ?? 0);
  const threshold = figure(p.threshold);
  switch (code) {
    case "answered":
      return t("ag_why_answered", { c, t: threshold });
    case "below_threshold":
      return t("ag_why_below_threshold", { c, t: threshold });
    case "no_margin": {
      const [a, b] = p.candidates;
      return a && b ? t("ag_why_no_margin", { a: figure(a.score), b: figure(b.score) }) : p.reason;
    }
    case "contradiction":
      return detail ? t("ag_why_contradiction", { word: detail }) : p.reason;
    default:
      return SIMPLE.has(code) ? t(`ag_why_${code}` as Key) : p.reason;
  }
}

/** "contradiction:Казахстан" -> ["contradiction", "Казахстан"]. */
export function splitCode(code: string): [string, string] {
  const at = code.indexOf(":");
  return at < 0 ? [code, ""] : [code.slice(0, at), code.slice(at + 1)];
}

/** The entries to show with their scores: those weighed, else those used. */
export function entriesOf(p: Pick<PreviewOut, "chunks" | "candidates">, most = 3): Entry[] {
  return (p.candidates.length ? p.candidates : p.chunks).slice(0, most);
}
