// An export of the period's conversations and messages to Excel (POST /v1/exports), its
// progress polled until the file's link is there.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useSession } from "../session";

interface Export { id: string; status: string; progress: number; error: string | null; download_url: string | null }

const finished = (job: Export | null) => !job || job.status === "done" || job.status === "failed";

export function ExportBox({ range, zone }: { range(): { from: string; to: string }; zone: string }) {
  const { t, errorText } = useSession();
  const [job, setJob] = useState<Export | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    if (!job || finished(job)) return;
    const timer = setTimeout(() => {
      api.get<Export>(`/v1/exports/${job.id}`).then(setJob, (e) => setError(errorText(e)));
    }, 1000);
    return () => clearTimeout(timer);
  }, [job]);

  return (
    <section class="card" aria-labelledby="export">
      <h2 id="export">{t("exportXlsx")}</h2>
      <button type="button" class="inline" disabled={!finished(job)} onClick={() => {
        setError("");
        api.post<Export>("/v1/exports", { format: "xlsx", ...range(), time_zone: zone })
          .then(setJob, (e) => setError(errorText(e)));
      }}>{t("exportStart")}</button>
      {job && !finished(job) && (
        <progress max={1} value={job.progress} aria-label={t("uploadProgress", { p: Math.round(job.progress * 100) })} />
      )}
      {job?.status === "done" && job.download_url && <a href={job.download_url} download>{t("download")}</a>}
      {job?.status === "failed" && <p class="error" role="alert">{job.error}</p>}
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
