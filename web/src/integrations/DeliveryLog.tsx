// One endpoint's delivery log (GET /v1/webhooks/deliveries?endpoint_id=), newest first: event,
// status, attempts, the last answer and its latency, the next attempt; a delivery's attempts,
// "повторить", and a replay of a time range. Followed while a delivery waits (a bounded number
// of reloads a couple of seconds apart), so a test event is seen delivered without a click.

import { useEffect, useRef, useState } from "preact/hooks";
import { api, query } from "../api";
import type { Key } from "../i18n";
import { formatTime, useSession } from "../session";
import type { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from "../types";
import { Attempts } from "./Attempts";
import { ReplayRange } from "./ReplayRange";
import { eventName, explainError, lastAnswer } from "./wording";

const PAGE = 20;
const MAX_PAGE = 100; // the API's largest page
const FOLLOW_MS = 2_000;
const FOLLOW_AT_MOST = 90; // three minutes of following; "Обновить" after that
const STATUSES: (DeliveryStatus | "")[] = ["", "pending", "delivered", "failed"];

/** `onChange`: the first page's deliveries, their statuses or attempts are new to the log (the
 * endpoint's own state, its last success or its breaker, may have changed too). */
export function DeliveryLog({ endpoint, generation, onChange }: {
  endpoint: WebhookEndpoint; generation: number; onChange(): void;
}) {
  const { t, lang, errorText } = useSession();
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState("");
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  const [open, setOpen] = useState("");
  const [tick, setTick] = useState(0); // a reload: by a click, a change, or following
  const follows = useRef(0);
  const seen = useRef<string | null>(null);
  const shown = useRef(0); // a reload brings back as many as were shown (pages loaded by "ещё")
  const [note, setNote] = useState("");
  const [error, setError] = useState("");
  const when = (iso: string | null) => (iso ? formatTime(iso, lang) : "—");

  async function load(after = "") {
    try {
      const r = await api.get<{ items: WebhookDelivery[]; page: { next_cursor: string | null } }>(
        `/v1/webhooks/deliveries${query({ endpoint_id: endpoint.id, status, cursor: after,
          limit: after ? PAGE : Math.min(MAX_PAGE, Math.max(PAGE, shown.current)) })}`);
      setItems((list) => (after ? [...(list ?? []), ...r.items] : r.items));
      shown.current = after ? shown.current + r.items.length : r.items.length;
      const now = r.items.map((d) => `${d.id}:${d.status}:${d.attempts}`).join();
      if (!after && now !== seen.current) onChange();
      if (!after) seen.current = now;
      setCursor(r.page.next_cursor ?? "");
      setError("");
    } catch (err) {
      setError(explainError(err, t, errorText));
    }
  }
  const reload = () => {
    follows.current = 0;
    setTick((n) => n + 1);
  };
  useEffect(() => { follows.current = 0; }, [generation]);
  useEffect(() => { follows.current = shown.current = 0; }, [status]);
  useEffect(() => { void load(); }, [generation, status, tick]);
  useEffect(() => {
    if (!items?.some((d) => d.status === "pending") || follows.current >= FOLLOW_AT_MOST) return;
    const timer = setTimeout(() => {
      follows.current += 1;
      setTick((n) => n + 1);
    }, FOLLOW_MS);
    return () => clearTimeout(timer);
  }, [items]);

  async function replay(d: WebhookDelivery) {
    setNote("");
    try {
      await api.post(`/v1/webhooks/deliveries/${d.id}/replay`);
      setNote(t("whReplayed"));
      reload();
    } catch (err) {
      setError(explainError(err, t, errorText));
    }
  }

  const titleId = `log-${endpoint.id}`;
  return (
    <section class="delivery-log" aria-labelledby={titleId}>
      <h3 id={titleId}>{t("whLogOf", { url: endpoint.url })}</h3>
      <div class="row-fields">
        <label>{t("whFilterStatus")}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as DeliveryStatus | "")}>
            {STATUSES.map((s) => <option key={s} value={s}>{s ? t(`dl_${s}` as Key) : t("all")}</option>)}
          </select>
        </label>
        <button type="button" class="secondary" onClick={() => reload()}>{t("whRefresh")}</button>
      </div>
      {note && <p class="ok" role="status">{note}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      {items === null ? <p>{t("loading")}</p> : items.length === 0 ? <p class="muted">{t("whLogEmpty")}</p> : (
        <div class="table-scroll">
          <table class="deliveries">
            <thead><tr>
              <th>{t("whColEvent")}</th><th>{t("whColStatus")}</th><th>{t("whColAttempts")}</th>
              <th>{t("whColAnswer")}</th><th>{t("whColLatency")}</th><th>{t("whColCreated")}</th>
              <th>{t("whColNext")}</th><th><span class="sr-only">{t("whAttempts")}</span></th>
            </tr></thead>
            <tbody>
              {items.map((d) => (
                <DeliveryRow key={d.id} d={d} when={when} open={open === d.id}
                  onToggle={() => setOpen(open === d.id ? "" : d.id)} onReplay={() => void replay(d)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && <button type="button" class="secondary" onClick={() => void load(cursor)}>{t("whMore")}</button>}
      {open && <Attempts key={open} deliveryId={open} generation={tick} />}
      <ReplayRange endpointId={endpoint.id} onQueued={() => reload()} />
    </section>
  );
}

function DeliveryRow({ d, when, open, onToggle, onReplay }: {
  d: WebhookDelivery; when(iso: string | null): string; open: boolean; onToggle(): void; onReplay(): void;
}) {
  const { t } = useSession();
  const name = eventName(d.event_type, t);
  return (
    <tr data-delivery={d.id} data-status={d.status}>
      <td>{name}<br /><code class="muted">{d.event_type}</code></td>
      <td class={`dl-${d.status}`}>{t(`dl_${d.status}` as Key)}</td>
      <td>{d.attempts}</td>
      <td>{lastAnswer(d, t)}</td>
      <td>{d.last_latency_ms === null ? "—" : t("whMs", { n: d.last_latency_ms })}</td>
      <td>{when(d.created_at)}</td>
      <td>{d.status === "pending" ? when(d.next_attempt_at) : "—"}</td>
      <td><div class="row-actions">
        <button type="button" class="secondary small" aria-expanded={open}
          aria-label={t("whAttemptsOf", { event: name })} onClick={onToggle}>{t("whAttempts")}</button>
        <button type="button" class="secondary small" aria-label={t("whReplayOne", { event: name })}
          onClick={onReplay}>{t("whReplay")}</button>
      </div></td>
    </tr>
  );
}
