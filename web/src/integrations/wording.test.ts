import { describe, expect, it } from "vitest";
import { ApiError } from "../api";
import { translator } from "../i18n";
import type { WebhookEndpoint } from "../types";
import { endpointState, eventName, explainError, lastAnswer } from "./wording";

const t = translator("ru");
const when = (iso: string) => `at ${iso}`;
const endpoint = (over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: "e1", url: "https://crm.example.com/hook", description: "", event_types: [], enabled: true,
  state: "active", consecutive_failures: 0, paused_reason: null, paused_at: null, breaker_probe_at: null,
  last_success_at: null, retry_window_s: 86_400, created_at: null, updated_at: null, ...over,
});
const said = (e: WebhookEndpoint) => {
  const s = endpointState(e, when);
  return [t(s.key, s.vars), s.tone, ...s.details.map((d) => t(d.key, d.vars))];
};

describe("an endpoint's state", () => {
  it("is active, active with failures, paused with why and when, or disabled by whom", () => {
    expect(said(endpoint())).toEqual(["работает", "ok"]);
    expect(said(endpoint({ consecutive_failures: 2 }))).toEqual(["работает, ошибок подряд: 2", "warn"]);
    expect(said(endpoint({ state: "paused", paused_reason: "HTTP 503", breaker_probe_at: "2026-12-04T10:00:00Z" })))
      .toEqual(["приостановлен после ошибок", "warn", "Причина: HTTP 503", "Следующая проверка: at 2026-12-04T10:00:00Z"]);
    expect(said(endpoint({ enabled: false, state: "disabled" }))).toEqual(["отключён вручную", "bad"]);
    expect(said(endpoint({ enabled: false, state: "disabled", paused_reason: "the endpoint answered 410 Gone" })))
      .toEqual(["отключён платформой", "bad", "Причина: the endpoint answered 410 Gone"]);
  });
});

describe("deliveries in words", () => {
  it("name the public events, and a type this build does not know as it is", () => {
    expect(eventName("message.received", t)).toBe("Сообщение покупателя");
    expect(eventName("webhook.test", t)).toBe("Тестовое событие");
    expect(eventName("order.created", t)).toBe("order.created");
  });

  it("say the last answer's code, or that nothing answered and why", () => {
    expect(lastAnswer({ attempts: 0, last_response_status: null, last_error: null }, t)).toBe("—");
    expect(lastAnswer({ attempts: 1, last_response_status: 503, last_error: "HTTP 503" }, t)).toBe("503");
    expect(lastAnswer({ attempts: 2, last_response_status: null, last_error: "timeout" }, t)).toBe("нет ответа: timeout");
  });
});

describe("the API's refusals", () => {
  const other = (e: unknown) => `other: ${(e as Error).message}`;
  const explain = (status: number, detail: string, type = "about:blank") =>
    explainError(new ApiError(status, detail, { type, status, detail }), t, other);

  it("are said in the interface's words when known", () => {
    expect(explain(422, "any wording", "/problems/url-not-allowed")).toMatch(/^Этот адрес нельзя использовать/);
    expect(explain(422, "unknown event types: mesage.received; the public events are a, b", "/problems/unknown-event-types"))
      .toBe("Таких событий нет: mesage.received.");
    expect(explain(422, "from and to are required", "/problems/replay-range-invalid")).toBe("Начало периода должно быть раньше конца.");
    expect(explain(409, "reworded", "/problems/endpoint-disabled")).toMatch(/^Адрес отключён/);
    expect(explain(403, "this needs the 'admin' scope")).toBe("Недостаточно прав: интеграции меняют владелец и администраторы.");
    expect(explain(404, "endpoint not found")).toMatch(/^Этого больше нет/);
  });

  it("are left to the session's wording otherwise", () => {
    expect(explain(422, "url: String should have at most 2048 characters")).toBe("other: url: String should have at most 2048 characters");
    // The wording alone, without its type, is not trusted.
    expect(explain(422, "url must be a public http(s) address")).toBe("other: url must be a public http(s) address");
    expect(explainError(new Error("boom"), t, other)).toBe("other: boom");
  });
});
