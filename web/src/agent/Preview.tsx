// A test question: what the agent would do with the chosen level's settings (nothing is sent
// to a buyer), why (the reason in the seller's words: explain.ts), and the knowledge entries it
// weighed, each with its match score as a bar.

import { useState } from "preact/hooks";
import { api } from "../api";
import type { Key } from "../i18n";
import { useSession } from "../session";
import { entriesOf, explain, figure, type PreviewOut } from "./explain";

export function Preview({ channelId, levelName }: { channelId: string; levelName: string }) {
  const { t, errorText } = useSession();
  const [q, setQ] = useState("");
  const [answer, setAnswer] = useState<PreviewOut | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const ask = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    const body = { question: q, ...(channelId ? { channel_id: channelId } : {}) };
    api.post<PreviewOut>("/v1/agent/preview", body, { timeoutMs: 90_000 })
      .then(setAnswer, (err) => setError(errorText(err))).finally(() => setBusy(false));
  };
  return (
    <form class="card" aria-labelledby="preview" onSubmit={ask}>
      <h2 id="preview">{t("preview")}</h2>
      <p class="muted">{t("ag_previewFor", { level: levelName })}</p>
      <label>{t("previewQuestion")}
        <textarea rows={2} required maxLength={4000} value={q} onInput={(e) => setQ(e.currentTarget.value)} /></label>
      <button type="submit" disabled={busy}>{busy ? t("loading") : t("ask")}</button>
      {error && <p class="error" role="alert">{error}</p>}
      {answer && <Verdict answer={answer} />}
    </form>
  );
}

function Verdict({ answer }: { answer: PreviewOut }) {
  const { t } = useSession();
  const entries = entriesOf(answer);
  const used = new Set(answer.chunks.map((c) => c.chunk_id));
  return (
    <div role="status" data-outcome={answer.outcome} data-reason={answer.reason_code} class="verdict">
      <h3>{t(`ag_outcome_${answer.outcome}` as Key)}</h3>
      {answer.reply && <p class="answer">{answer.reply}</p>}
      <p data-why><strong>{t("ag_why")}:</strong> {explain(answer, t)}</p>
      {entries.length > 0 && <>
        <h4>{t("ag_candidates")}</h4>
        <ol class="sources entries">{entries.map((c) => (
          <li key={c.chunk_id} data-chunk={c.chunk_id}>
            <span>{c.question || c.text}</span>
            {answer.outcome === "reply" && used.has(c.chunk_id) && <span class="tag ok"> {t("ag_chosen")}</span>}
            <span class="score">
              <meter min={0} max={1} value={c.score} aria-hidden="true" />
              <span>{t("ag_entryScore", { s: figure(c.score) })}</span>
            </span>
          </li>
        ))}</ol>
      </>}
    </div>
  );
}
