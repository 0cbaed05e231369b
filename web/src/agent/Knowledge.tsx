// The knowledge base: several files uploaded with progress, each one's result, the documents.

import { useEffect, useState } from "preact/hooks";
import { api, uploadWithProgress } from "../api";
import type { Key } from "../i18n";
import { useSession } from "../session";

interface Doc { id: string; name: string; status: string; chunk_count: number; error: string | null }
interface UploadOut { results: { name: string; outcome: string; error: string | null }[] }

export function Knowledge() {
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
      {results.map((r) => <p key={r.name} class={r.outcome === "rejected" ? "error" : "ok"}>{r.name}: {r.error ?? t(`ag_upload_${r.outcome}` as Key)}</p>)}
      <h3>{t("documents")}</h3>
      {docs.length === 0 ? <p class="muted">{t("noDocuments")}</p>
        : <ul class="docs">{docs.map((d) => <li key={d.id} data-document={d.name}>{d.name} · {t(`ag_doc_${d.status}` as Key)} · {t("ag_chunks", { n: d.chunk_count })}{d.error && <span class="error"> {d.error}</span>}</li>)}</ul>}
    </section>
  );
}
