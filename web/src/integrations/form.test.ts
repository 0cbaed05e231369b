import { describe, expect, it } from "vitest";
import type { WebhookEndpoint } from "../types";
import { check, createBody, defaultRange, draftOf, isProblem, localInput, patchOf, rangeBody } from "./form";

const endpoint = (over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: "e1", url: "https://crm.example.com/hook", description: "CRM", event_types: ["note.added", "message.received"],
  enabled: true, state: "active", consecutive_failures: 0, paused_reason: null, paused_at: null,
  breaker_probe_at: null, last_success_at: null, retry_window_s: 86_400, created_at: null, updated_at: null, ...over,
});
const keys = (url: string, description = "") => check({ url, description, eventTypes: [] }).map((p) => p.key);

describe("the endpoint form", () => {
  it("takes a public-looking http(s) URL and leaves whether it is public to the API", () => {
    expect(keys("https://crm.example.com/hook")).toEqual([]);
    expect(keys("http://10.0.0.5/hook")).toEqual([]); // the service knows private networks, not the form
    expect(keys("  ")).toEqual(["whErrUrlRequired"]);
    expect(keys("crm.example.com/hook")).toEqual(["whErrUrlScheme"]);
    expect(keys("ftp://crm.example.com/")).toEqual(["whErrUrlScheme"]);
    expect(keys("https://user:pw@crm.example.com/")).toEqual(["whErrUrlCredentials"]);
    expect(keys(`https://x.com/${"a".repeat(2048)}`)).toEqual(["whErrUrlLong"]);
    expect(keys("https://x.com/", "d".repeat(501))).toEqual(["whErrDescriptionLong"]);
  });

  it("sends trimmed fields and sorted event types; none means every event", () => {
    expect(createBody({ url: " https://x.com/h ", description: " d ", eventTypes: ["note.added", "message.received", "note.added"] }))
      .toEqual({ url: "https://x.com/h", description: "d", event_types: ["message.received", "note.added"] });
    expect(createBody({ url: "https://x.com/h", description: "", eventTypes: [] }).event_types).toEqual([]);
  });

  it("patches only what changed, the event types as a set", () => {
    const e = endpoint();
    expect(patchOf(e, draftOf(e))).toEqual({});
    expect(patchOf(e, { ...draftOf(e), eventTypes: ["message.received", "note.added"] })).toEqual({});
    expect(patchOf(e, { ...draftOf(e), eventTypes: [] })).toEqual({ event_types: [] });
    expect(patchOf(e, { ...draftOf(e), url: "https://crm.example.com/v2", description: "" }))
      .toEqual({ url: "https://crm.example.com/v2", description: "" });
  });
});

describe("the replay range", () => {
  it("defaults to the last day in the browser's time", () => {
    const now = new Date(2026, 11, 4, 10, 30);
    expect(defaultRange(now)).toEqual({ from: "2026-12-03T10:31", to: "2026-12-04T10:31" });
    expect(localInput(new Date(2026, 0, 2, 3, 4))).toBe("2026-01-02T03:04");
  });

  it("refuses an empty, reversed or too long range, and sends instants", () => {
    const key = (from: string, to: string) => {
      const r = rangeBody(from, to);
      return isProblem(r) ? r.key : "ok";
    };
    expect(key("", "2026-12-04T10:00")).toBe("whErrRangeMissing");
    expect(key("2026-12-04T10:00", "2026-12-04T10:00")).toBe("whErrRangeOrder");
    expect(key("2026-12-05T10:00", "2026-12-04T10:00")).toBe("whErrRangeOrder");
    expect(key("2026-11-01T00:00", "2026-12-02T00:01")).toBe("whErrRangeLong");
    expect(key("2026-11-01T00:00", "2026-12-02T00:00")).toBe("ok");
    expect(rangeBody("2026-12-03T10:00", "2026-12-04T10:00")).toEqual({
      from: new Date(2026, 11, 3, 10).toISOString(), to: new Date(2026, 11, 4, 10).toISOString() });
  });
});
