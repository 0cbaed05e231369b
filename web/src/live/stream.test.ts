import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../types";
import { backoffMs, LiveStream, type LiveStatus } from "./stream";

class FakeSource {
  readyState = 0;
  closed = false;
  listeners = new Map<string, ((e: Event) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, fn: (e: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() { this.closed = true; this.readyState = 2; }
  emit(type: string, data: string, lastEventId = "") {
    for (const fn of this.listeners.get(type) ?? []) fn(new MessageEvent(type, { data, lastEventId }));
  }
}

describe("the live stream", () => {
  it("hands over events, resets, and reopens from the last id when the server asks", async () => {
    const sources: FakeSource[] = [];
    const events: LiveEvent[] = [];
    const statuses: LiveStatus[] = [];
    let resets = 0;
    const stream = new LiveStream({ event: (e) => events.push(e), reset: () => { resets += 1; },
      status: (s) => statuses.push(s), ended: () => undefined },
    (url) => { const s = new FakeSource(url); sources.push(s); return s as unknown as EventSource; });
    stream.start();
    sources[0]!.emit("message.received", JSON.stringify({ conversation: { id: "c" }, message: { id: "m" } }), "41");
    sources[0]!.emit("reset", JSON.stringify({ reason: "gap" }), "42");
    expect(events.map((e) => [e.type, e.id, e.message?.id])).toEqual([["message.received", "41", "m"]]);
    expect(resets).toBe(1);
    sources[0]!.emit("end", JSON.stringify({ reason: "shutdown", reconnect: true }));
    expect(sources[0]!.closed).toBe(true);
    await new Promise((r) => setTimeout(r, 1100)); // the first backoff is at most 1 s
    expect(sources[1]!.url).toBe("/v1/events?lastEventId=42");
    stream.stop();
    expect(statuses).toContain("reconnecting");
  });

  it("resumes from the start frame's id when the stream ends before any event", async () => {
    const sources: FakeSource[] = [];
    const stream = new LiveStream({ event: () => undefined, reset: () => undefined,
      status: () => undefined, ended: () => undefined },
    (url) => { const s = new FakeSource(url); sources.push(s); return s as unknown as EventSource; });
    stream.start();
    sources[0]!.emit("end", JSON.stringify({ reason: "shutdown", reconnect: true }), "77");
    await new Promise((r) => setTimeout(r, 1100));
    expect(sources[1]!.url).toBe("/v1/events?lastEventId=77");
    stream.stop();
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(backoffMs(0, () => 0)).toBe(250);
    expect(backoffMs(0, () => 1)).toBe(500);
    expect(backoffMs(3, () => 1)).toBe(4000);
    expect(backoffMs(50, () => 1)).toBe(30_000);
  });
});
