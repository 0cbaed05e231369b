// The endpoint form and the replay range: drafts kept as typed (a refused value stays on screen
// to correct), the checks the integrations service would make that need no network (whether a
// host is public only it can tell), and the bodies of POST / PATCH /v1/webhooks/endpoints.

import type { Key } from "../i18n";
import { LIVE_TYPES } from "../live/stream";
import type { WebhookEndpoint } from "../types";

/** The public events an endpoint may subscribe to: the live feed's (one catalogue,
 * docs/events.md). `webhook.test` goes only by "send a test event", whatever one subscribes. */
export const EVENT_TYPES: readonly string[] = LIVE_TYPES;
export const MAX_URL = 2048;
export const MAX_DESCRIPTION = 500;
export const MAX_REPLAY_DAYS = 31;
/** How long the old secret may keep signing after a rotation (the API allows up to 7 days). */
export const KEEP_OLD_SECRET: [number, Key][] = [
  [0, "whRotateKeep0"], [3600, "whRotateKeep1h"], [86_400, "whRotateKeep1d"], [7 * 86_400, "whRotateKeep7d"]];

export interface EndpointDraft {
  url: string;
  description: string;
  eventTypes: string[]; // none: every event
}

export interface Problem { field: "url" | "description" | "range"; key: Key; vars?: Record<string, string | number> }

export function draftOf(endpoint: WebhookEndpoint | null): EndpointDraft {
  return { url: endpoint?.url ?? "", description: endpoint?.description ?? "",
    eventTypes: [...(endpoint?.event_types ?? [])] };
}

/** What the form can tell is wrong before asking the API, in the form's words. */
export function check(d: EndpointDraft): Problem[] {
  const problems: Problem[] = [];
  const url = d.url.trim();
  if (!url) problems.push({ field: "url", key: "whErrUrlRequired" });
  else if (url.length > MAX_URL) problems.push({ field: "url", key: "whErrUrlLong", vars: { n: MAX_URL } });
  else {
    const parsed = parseUrl(url);
    if (!parsed || !["http:", "https:"].includes(parsed.protocol) || !parsed.hostname) {
      problems.push({ field: "url", key: "whErrUrlScheme" });
    } else if (parsed.username || parsed.password) {
      problems.push({ field: "url", key: "whErrUrlCredentials" });
    }
  }
  if (d.description.length > MAX_DESCRIPTION) {
    problems.push({ field: "description", key: "whErrDescriptionLong", vars: { n: MAX_DESCRIPTION } });
  }
  return problems;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function createBody(d: EndpointDraft) {
  return { url: d.url.trim(), description: d.description.trim(), event_types: sortedTypes(d.eventTypes) };
}

/** PATCH's body: only what changed (an empty object: nothing to send). */
export function patchOf(endpoint: WebhookEndpoint, d: EndpointDraft): Record<string, unknown> {
  const body = createBody(d);
  const patch: Record<string, unknown> = {};
  if (body.url !== endpoint.url) patch.url = body.url;
  if (body.description !== endpoint.description) patch.description = body.description;
  if (body.event_types.join() !== sortedTypes(endpoint.event_types).join()) patch.event_types = body.event_types;
  return patch;
}

const sortedTypes = (types: string[]) => [...new Set(types)].sort();

/** A `datetime-local` input's value for a moment, in the browser's time zone. */
export function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The replay's default: the last 24 hours, to the next minute (the range's end is exclusive). */
export function defaultRange(now: Date = new Date()): { from: string; to: string } {
  const to = new Date(now.getTime() + 60_000);
  return { from: localInput(new Date(to.getTime() - 86_400_000)), to: localInput(to) };
}

/** The replay's body from the pickers' local times, or what is wrong with them. */
export function rangeBody(from: string, to: string): { from: string; to: string } | Problem {
  const start = from ? new Date(from) : null;
  const end = to ? new Date(to) : null;
  if (!start || !end || isNaN(start.getTime()) || isNaN(end.getTime())) return { field: "range", key: "whErrRangeMissing" };
  if (start >= end) return { field: "range", key: "whErrRangeOrder" };
  if (end.getTime() - start.getTime() > MAX_REPLAY_DAYS * 86_400_000) {
    return { field: "range", key: "whErrRangeLong", vars: { n: MAX_REPLAY_DAYS } };
  }
  return { from: start.toISOString(), to: end.toISOString() };
}

export const isProblem = (x: object): x is Problem => "key" in x;
