// The live feed: GET /v1/events (SSE). The browser's EventSource resumes a dropped connection
// by itself with Last-Event-ID; we reopen it ourselves (from the last id, `?lastEventId=`) when
// the server ends the stream asking us to reconnect, or when EventSource gives up (it closes on
// a non-200), with capped exponential backoff and full jitter.

import type { LiveEvent } from "../types";

export const LIVE_TYPES = [
  "message.received", "message.created", "message.status_changed", "message.updated",
  "conversation.updated", "conversation.read", "note.added", "conversation.handoff_requested",
] as const;

export type LiveStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface LiveHandlers {
  event(e: LiveEvent): void;
  reset(): void;
  status(s: LiveStatus): void;
  /** The stream ended for good (signed out, credential revoked). */
  ended(reason: string): void;
}

type Source = Pick<EventSource, "addEventListener" | "close" | "readyState">;

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
  return Math.round(cap / 2 + random() * (cap / 2));
}

export class LiveStream {
  private source: Source | null = null;
  private lastId = "";
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly handlers: LiveHandlers,
    private readonly open: (url: string) => Source = (url) => new EventSource(url),
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
    this.handlers.status("closed");
  }

  private connect(): void {
    const url = this.lastId ? `/v1/events?lastEventId=${encodeURIComponent(this.lastId)}` : "/v1/events";
    this.handlers.status(this.attempt ? "reconnecting" : "connecting");
    const source = this.open(url);
    this.source = source;
    source.addEventListener("open", () => {
      this.attempt = 0;
      this.handlers.status("open");
    });
    for (const type of LIVE_TYPES) {
      source.addEventListener(type, (e) => this.onEvent(type, e as MessageEvent<string>));
    }
    source.addEventListener("reset", (e) => {
      this.remember(e as MessageEvent<string>);
      this.handlers.reset();
    });
    source.addEventListener("end", (e) => this.onEnd(e as MessageEvent<string>));
    source.addEventListener("error", () => {
      // CONNECTING: EventSource retries by itself. CLOSED: it gave up; we retry with backoff.
      if (source.readyState === 2) this.retry();
      else this.handlers.status("reconnecting");
    });
  }

  private remember(e: MessageEvent<string>): void {
    if (e.lastEventId) this.lastId = e.lastEventId;
  }

  private onEvent(type: string, e: MessageEvent<string>): void {
    this.remember(e);
    let data: Omit<LiveEvent, "id" | "type">;
    try {
      data = JSON.parse(e.data) as Omit<LiveEvent, "id" | "type">;
    } catch {
      return; // not ours to show; a refetch shows the state
    }
    this.handlers.event({ id: e.lastEventId, type, conversation: data.conversation, message: data.message ?? null });
  }

  private onEnd(e: MessageEvent<string>): void {
    // The stream's start frame carries an id and no event: a stream that ends before any event
    // still resumes from its start, or what came meanwhile would be missed.
    this.remember(e);
    let data: { reason?: string; reconnect?: boolean } = {};
    try {
      data = JSON.parse(e.data) as typeof data;
    } catch {
      /* an end we cannot read: reconnect */
      data = { reconnect: true };
    }
    this.source?.close();
    if (data.reconnect) this.retry();
    else {
      this.handlers.status("closed");
      this.handlers.ended(data.reason ?? "end");
    }
  }

  private retry(): void {
    this.source?.close();
    this.source = null;
    if (this.stopped) return;
    this.handlers.status("reconnecting");
    const delay = backoffMs(this.attempt++);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
