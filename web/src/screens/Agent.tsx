// The AI agent: the main settings, the knowledge base (upload with progress), a preview box.

import { useEffect, useState } from "preact/hooks";
import { api, uploadWithProgress } from "../api";
import { useSession } from "../session";

interface Settings { enabled: boolean; instructions: string }
interface Doc { id: string; name: string; status: string; chunk_count: number; error: string | null }
interface UploadOut { results: { name: string; outcome: string; error: string | null }[] }

export function Agent() {
  const { t } = useSession();
  return (
    <div class="page">
      <h1>{t("aiTitle")}</h1>
      <SettingsForm />
      <Knowledge />
      <Preview />
    </div>
  );
}

function SettingsForm() {
  const { t, errorText } = useSession();
  const [s, setS] = useState<Settings | null>(null);
  const [note, setNote] = useState("");
  useEffect(() => {
    api.get<{ tenant: Settings }>("/v1/agent/settings")
      .then((v) => setS({ enabled: v.tenant.enabled, instructions: v.tenant.instructions }), (e) => setNote(errorText(e)));
  }, []);
  if (!s) return <p>{note || t("loading")}</p>;
  return (
    <form class="card" aria-labelledby="ai-settings" onSubmit={(e) => {
      e.preventDefault();
      setNote("");
      api.put("/v1/agent/settings", s).then(() => setNote(t("saved")), (err) => setNote(errorText(err)));
    }}>
      <h2 id="ai-settings">{t("aiSettings")}</h2>
      <label class="check"><input type="checkbox" checked={s.enabled}
        onChange={(e) => setS({ ...s, enabled: e.currentTarget.checked })} />{t("aiEnabled")}</label>
      <label>{t("aiPersona")}
        <textarea rows={5} maxLength={8000} value={s.instructions}
          onInput={(e) => setS({ ...s, instructions: e.currentTarget.value })} /></label>
      {note && <p role="status">{note}</p>}
      <button type="submit">{t("save")}</button>
    </form>
  );
}

function Knowledge() {
  const { t, errorText } = useSession();
  const [docs, setDocs] = useState<Doc[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [results, setResults] = useState<UploadOut["results"]>([]);
  const [error, setError] = useState("");
  const load = () => api.get<{ items: Doc[] }>("/v1/agent/knowledge/documents?limit=100")
    .then((r) => setDocs(r.items), (e) => setError(errorText(e)));
  useEffect(() => { void load(); }, []);

  async function upload(files: FileList) {
    const form = new FormData();
    for (const f of Array.from(files)) form.append("files", f);
    setError("");
    setResults([]);
    setProgress(0);
    try {
      const out = await uploadWithProgress<UploadOut>("/v1/agent/knowledge/documents", form, setProgress);
      setResults(out.results);
      await load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setProgress(null);
    }
  }

  return (
    <section class="card" aria-labelledby="kb">
      <h2 id="kb">{t("knowledge")}</h2>
      <label class="button secondary">{t("uploadKnowledge")}
        <input type="file" multiple class="sr-only" accept=".txt,.md,.csv,.docx,.xlsx,.pdf"
          disabled={progress !== null}
          onChange={(e) => { const f = e.currentTarget.files; if (f?.length) void upload(f); e.currentTarget.value = ""; }} />
      </label>
      {progress !== null && (
        <progress max={1} value={progress} aria-label={t("uploadProgress", { p: Math.round(progress * 100) })} />
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {results.map((r) => <p key={r.name} class={r.outcome === "rejected" ? "error" : "ok"}>{r.name}: {r.error ?? r.outcome}</p>)}
      <h3>{t("documents")}</h3>
      {docs.length === 0 ? <p class="muted">{t("noDocuments")}</p>
        : <ul class="docs">{docs.map((d) => <li key={d.id} data-document={d.name}>{d.name} · {d.status} · {d.chunk_count}{d.error && <span class="error"> {d.error}</span>}</li>)}</ul>}
    </section>
  );
}

function Preview() {
  const { t, errorText } = useSession();
  const [q, setQ] = useState("");
  const [answer, setAnswer] = useState<{ reply: string; outcome: string; reason: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  return (
    <form class="card" aria-labelledby="preview" onSubmit={(e) => {
      e.preventDefault();
      setBusy(true);
      setError("");
      api.post<{ reply: string; outcome: string; reason: string }>("/v1/agent/preview", { question: q }, { timeoutMs: 90_000 })
        .then(setAnswer, (err) => setError(errorText(err))).finally(() => setBusy(false));
    }}>
      <h2 id="preview">{t("preview")}</h2>
      <label>{t("previewQuestion")}
        <textarea rows={2} required maxLength={4000} value={q} onInput={(e) => setQ(e.currentTarget.value)} /></label>
      <button type="submit" disabled={busy}>{busy ? t("loading") : t("ask")}</button>
      {error && <p class="error" role="alert">{error}</p>}
      {answer && <div role="status"><h3>{t("answer")} ({answer.outcome})</h3><p class="answer">{answer.reply || answer.reason}</p></div>}
    </form>
  );
}
