// Webhooks in the interface's words: an endpoint's state, an event's name, a delivery's last
// answer, and the API's refusals (by their problem+json `type`, never their English wording;
// the gateway's 403 and 404 by status) said as the form says them.

import { ApiError } from "../api";
import type { Key, T } from "../i18n";
import type { WebhookDelivery, WebhookEndpoint } from "../types";
import { EVENT_TYPES } from "./form";

const NAMED_EVENTS = new Set([...EVENT_TYPES, "webhook.test"]);

export interface StateWords {
  key: Key;
  vars?: Record<string, string | number>;
  tone: "ok" | "warn" | "bad";
  /** Lines below the state: why it paused, when it is tried next. */
  details: { key: Key; vars: Record<string, string> }[];
}

/** The state as the list shows it; `when` formats a moment in the user's locale. */
export function endpointState(e: WebhookEndpoint, when: (iso: string) => string): StateWords {
  const why = e.paused_reason ? [{ key: "whStatePausedWhy" as Key, vars: { reason: e.paused_reason } }] : [];
  if (!e.enabled || e.state === "disabled") {
    // Only the platform sets a reason on a disabled endpoint (its URL answered 410 Gone).
    return e.paused_reason ? { key: "whStateGone", tone: "bad", details: why }
      : { key: "whStateDisabled", tone: "bad", details: [] };
  }
  if (e.state === "paused") {
    const probe = e.breaker_probe_at ? [{ key: "whStateProbe" as Key, vars: { time: when(e.breaker_probe_at) } }] : [];
    return { key: "whStatePaused", tone: "warn", details: [...why, ...probe] };
  }
  if (e.state === "active") {
    return e.consecutive_failures > 0
      ? { key: "whStateFailing", vars: { n: e.consecutive_failures }, tone: "warn", details: [] }
      : { key: "whStateActive", tone: "ok", details: [] };
  }
  return { key: "whStateUnknown", tone: "warn", details: [] };
}

/** An event type's Russian (or English) name; a type this build does not know, as it is. */
export function eventName(type: string, t: T): string {
  return NAMED_EVENTS.has(type) ? t(`ev_${type.replaceAll(".", "_")}` as Key) : type;
}

/** The last answer of a delivery: its HTTP code, or the error when nothing answered. */
export function lastAnswer(d: Pick<WebhookDelivery, "attempts" | "last_response_status" | "last_error">, t: T): string {
  if (!d.attempts) return "—";
  if (d.last_response_status) return String(d.last_response_status);
  return d.last_error ? `${t("whNoAnswer")}: ${d.last_error}` : t("whNoAnswer");
}

const KNOWN: Record<string, (err: ApiError, t: T) => string> = {
  "/problems/url-not-allowed": (_, t) => t("whErrUrlPrivate"),
  // The names the service did not know are listed in its detail, before the catalogue.
  "/problems/unknown-event-types": (err, t) =>
    t("whErrUnknownEvents", { names: err.message.match(/: ([^;]+)/)?.[1] ?? "" }),
  "/problems/replay-range-invalid": (_, t) => t("whErrRangeOrder"),
  "/problems/endpoint-disabled": (_, t) => t("whErrDisabled"),
};

/** An API failure in the form's words: the webhooks' known refusals translated, a missing
 * right or a vanished endpoint said plainly, anything else as the session words it. */
export function explainError(err: unknown, t: T, otherwise: (err: unknown) => string): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return t("whErrForbidden");
    if (err.status === 404) return t("whErrGone");
    const say = KNOWN[String(err.problem?.type ?? "")];
    if (say) return say(err, t);
  }
  return otherwise(err);
}
