// One delivery's attempts (GET /v1/webhooks/deliveries/{id}): when, the answer's code or the
// error, latency, the first 1 KiB of the answer; and the event as it was sent.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { formatTime, useSession } from "../session";
import type { WebhookDeliveryDetail } from "../types";
import { eventName, explainError } from "./wording";

/** `generation`: the log reloaded (a retry may have come); the shown attempts stay until the
 * new ones arrive, so following the log does not flicker. */
export function Attempts({ deliveryId, generation }: { deliveryId: string; generation: number }) {
  const { t, lang, errorText } = useSession();
  const [detail, setDetail] = useState<WebhookDeliveryDetail | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    api.get<WebhookDeliveryDetail>(`/v1/webhooks/deliveries/${deliveryId}`)
      .then(setDetail, (err) => setError(explainError(err, t, errorText)));
  }, [deliveryId, generation]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!detail) return <p>{t("loading")}</p>;
  const title = t("whAttemptsOf", { event: eventName(detail.event_type, t) });
  return (
    <section class="attempts" aria-label={title} data-testid="attempts">
      <h4>{title}</h4>
      {detail.attempt_log.length === 0 ? <p class="muted">—</p> : (
        <ul class="plain">
          {detail.attempt_log.map((a) => (
            <li key={a.number} data-attempt={a.number}>
              <b>{t("whAttemptN", { n: a.number })}</b>{" · "}{a.started_at ? formatTime(a.started_at, lang) : "—"}
              {" · "}{a.response_status ?? t("whNoAnswer")}{" · "}{t("whMs", { n: a.latency_ms })}
              {a.error && <span class="error"> · {a.error}</span>}
              {a.response_body && <pre class="body">{a.response_body}</pre>}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t("whPayload")}</summary>
        <pre class="body">{JSON.stringify(detail.payload, null, 2)}</pre>
      </details>
    </section>
  );
}
