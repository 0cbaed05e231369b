// A test question: what the agent would do with the chosen level's settings (nothing is sent
// to a buyer), why (its reason), and what the knowledge base gave it, with the match scores.

import { useState } from "preact/hooks";
import { api } from "../api";
import type { Key } from "../i18n";
import { useSession } from "../session";

interface PreviewOut {
  outcome: "reply" | "handoff" | "skipped";
  reply: string;
  reason: string;
  chunks: { chunk_id: string; kind: string; text: string; score: number }[];
}

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
      {answer && (
        <div role="status" data-outcome={answer.outcome}>
          <h3>{t(`ag_outcome_${answer.outcome}` as Key)}</h3>
          {answer.reply && <p class="answer">{answer.reply}</p>}
          {answer.reason && <p class="muted">{answer.reason}</p>}
          {answer.chunks.length > 0 && <>
            <h4>{t("ag_sources")}</h4>
            <ol class="sources">{answer.chunks.map((c) => (
              <li key={c.chunk_id}><span class="tag">{t("ag_score", { p: Math.round(c.score * 100) })}</span> {c.text}</li>
            ))}</ol>
          </>}
        </div>
      )}
    </form>
  );
}
