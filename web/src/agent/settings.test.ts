import { describe, expect, it } from "vitest";
import { type AgentSettings, FormError, formValues, isEmpty, patchOf } from "./settings";

const settings: AgentSettings = {
  enabled: false, instructions: "Вежливо", model: "", base_url: "", api_key_set: false,
  temperature: 0.3, reply_language: "ru",
  business_hours: { time_zone: "Europe/Moscow", days: [{ weekday: 1, open: "10:00", close: "19:00" }] },
  outside_hours: "HOLD_UNTIL_OPEN",
  handoff: { keywords: ["оператор", "менеджер"], low_confidence_limit: 2 },
  limits: { replies_per_conversation_per_hour: 6, max_reply_chars: 1000 },
  embeddings_model: "", faq_match_threshold: 0.5, silence_window_s: 20, max_wait_s: 300,
  human_reply_takes_over: true,
};
const keep = { kind: "keep" } as const;

describe("the agent settings form", () => {
  it("shows every weekday, the closed ones unticked with default hours", () => {
    const days = formValues(settings).business_hours.days;
    expect(days).toHaveLength(7);
    expect(days[0]).toEqual({ weekday: 1, open: true, from: "10:00", to: "19:00" });
    expect(days[6]).toEqual({ weekday: 7, open: false, from: "09:00", to: "21:00" });
  });

  it("sends nothing when nothing changed", () => {
    const shown = formValues(settings);
    expect(isEmpty(patchOf(shown, formValues(settings), new Set(), keep))).toBe(true);
  });

  it("sends only the changed fields, nested ones in their group, typed", () => {
    const shown = formValues(settings);
    const edited = { ...shown, enabled: true, temperature: "0,7", "limits.max_reply_chars": "500",
      "handoff.keywords": "оператор\n живой человек \n\n" };
    expect(patchOf(shown, edited, new Set(), keep)).toEqual({
      enabled: true, temperature: 0.7, limits: { max_reply_chars: 500 },
      handoff: { keywords: ["оператор", "живой человек"] },
    });
  });

  it("sends the business hours whole: open days only, with the zone", () => {
    const shown = formValues(settings);
    const days = shown.business_hours.days.map((d) => d.weekday === 6 ? { ...d, open: true, from: "11:00", to: "16:00" } : d);
    const edited = { ...shown, business_hours: { time_zone: " Asia/Yekaterinburg ", days } };
    expect(patchOf(shown, edited, new Set(), keep)).toEqual({ business_hours: {
      time_zone: "Asia/Yekaterinburg",
      days: [{ weekday: 1, open: "10:00", close: "19:00" }, { weekday: 6, open: "11:00", close: "16:00" }],
    } });
  });

  it("resets fields to inherit them again, and a reset field's edits are not sent", () => {
    const shown = formValues(settings);
    const edited = { ...shown, enabled: true, model: "gpt-4o-mini" };
    expect(patchOf(shown, edited, new Set(["enabled"] as const), keep))
      .toEqual({ model: "gpt-4o-mini", reset: ["enabled"] });
  });

  it("sets a new API key trimmed, or clears the level's key by resetting it", () => {
    const shown = formValues(settings);
    expect(patchOf(shown, shown, new Set(), { kind: "set", key: " sk-1 " })).toEqual({ api_key: "sk-1" });
    expect(patchOf(shown, shown, new Set(), { kind: "clear" })).toEqual({ reset: ["api_key"] });
  });

  it("refuses a number that is not one, naming the field", () => {
    const shown = formValues(settings);
    for (const [field, value] of [["silence_window_s", "двадцать"], ["max_wait_s", "1.5"], ["temperature", " "]] as const) {
      const edited = { ...shown, [field]: value };
      expect(() => patchOf(shown, edited, new Set(), keep)).toThrow(FormError);
      try { patchOf(shown, edited, new Set(), keep); } catch (e) { expect((e as FormError).field).toBe(field); }
    }
  });
});
