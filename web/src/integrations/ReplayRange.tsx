// Replaying a time range (POST /v1/webhooks/endpoints/{id}/replay): every event of the endpoint
// that happened in [from, to), at most 31 days, sent again; the answer says how many.

import { useState } from "preact/hooks";
import { api } from "../api";
import { useSession } from "../session";
import { defaultRange, isProblem, rangeBody } from "./form";
import { explainError } from "./wording";

export function ReplayRange({ endpointId, onQueued }: { endpointId: string; onQueued(): void }) {
  const { t, errorText } = useSession();
  const [range, setRange] = useState(defaultRange);
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState<number | null>(null);
  const [error, setError] = useState("");

  async function replay(e: Event) {
    e.preventDefault();
    setError("");
    setQueued(null);
    const body = rangeBody(range.from, range.to);
    if (isProblem(body)) {
      setError(t(body.key, body.vars));
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<{ queued: number }>(`/v1/webhooks/endpoints/${endpointId}/replay`, body);
      setQueued(r.queued);
      onQueued();
    } catch (err) {
      setError(explainError(err, t, errorText)); // the pickers keep their times
    } finally {
      setBusy(false);
    }
  }

  const id = `replay-${endpointId}`;
  return (
    <form class="replay-range" aria-labelledby={id} noValidate onSubmit={(e) => void replay(e)}>
      <h4 id={id}>{t("whReplayRange")}</h4>
      <div class="row-fields">
        <label>{t("whReplayFrom")}
          <input type="datetime-local" required value={range.from}
            onInput={(e) => setRange({ ...range, from: e.currentTarget.value })} /></label>
        <label>{t("whReplayTo")}
          <input type="datetime-local" required value={range.to}
            onInput={(e) => setRange({ ...range, to: e.currentTarget.value })} /></label>
        <button type="submit" class="secondary" disabled={busy}>{t("whReplayGo")}</button>
      </div>
      <p class="muted hint">{t("whReplayHint")}</p>
      {queued !== null && <p class="ok" role="status">{t("whQueued", { n: queued })}</p>}
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}
