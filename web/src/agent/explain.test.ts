import { describe, expect, it } from "vitest";
import { translator } from "../i18n";
import { type Entry, entriesOf, explain, figure, splitCode } from "./explain";

const ru = translator("ru");
const en = translator("en");
const entry = (score: number, question = "Сколько стоит доставка?"): Entry => ({
  chunk_id: `c${score}`, document_id: "d", kind: "faq", text: "", question, score,
});
const base = { reason: "сервер: своя причина", confidence: 0.62, threshold: 0.7, candidates: [entry(0.8), entry(0.78)] };

describe("the preview's explanation", () => {
  it("says an answer was found with its confidence and the threshold", () => {
    expect(explain({ ...base, reason_code: "answered", confidence: 0.91 }, ru)).toBe("Ответ найден: уверенность 0.91 (порог 0.70)");
    expect(explain({ ...base, reason_code: "answered", confidence: 0.91 }, en)).toBe("Answer found: confidence 0.91 (threshold 0.70)");
  });

  it("compares a low confidence with the threshold", () => {
    expect(explain({ ...base, reason_code: "below_threshold" }, ru)).toBe("Ниже порога: 0.62 < 0.70");
  });

  it("names the two entries' scores when they are equally close", () => {
    expect(explain({ ...base, reason_code: "no_margin" }, ru)).toBe("Два ответа одинаково близки: 0.80 и 0.78");
    expect(explain({ ...base, reason_code: "no_margin", candidates: [entry(0.8)] }, ru)).toBe(base.reason);
  });

  it("names the word the entry does not mention", () => {
    expect(explain({ ...base, reason_code: "contradiction:Казахстан" }, ru)).toBe("В вопросе «Казахстан», в ответе его нет");
    expect(explain({ ...base, reason_code: "contradiction:Казахстан" }, en)).toBe("The question says “Казахстан”, the answer does not");
  });

  it("has words for the other known codes in both languages", () => {
    for (const code of ["no_match", "asked_for_human", "low_confidence_streak", "model_answered", "model_handoff", "model_failure", "circuit_open"]) {
      for (const t of [ru, en]) {
        const text = explain({ ...base, reason_code: code }, t);
        expect(text).not.toBe(base.reason);
        expect(text).not.toContain("ag_why");
      }
    }
  });

  it("shows the server's reason for a code it does not know, or none", () => {
    expect(explain({ ...base, reason_code: "something_new:x" }, ru)).toBe(base.reason);
    expect(explain({ ...base, reason_code: "" }, ru)).toBe(base.reason);
  });

  it("falls back to the best entry's score without a confidence", () => {
    expect(explain({ ...base, reason_code: "below_threshold", confidence: null }, ru)).toBe("Ниже порога: 0.80 < 0.70");
  });
});

describe("helpers", () => {
  it("formats figures with two decimals", () => {
    expect(figure(0.905)).toBe("0.91");
    expect(figure(1)).toBe("1.00");
  });
  it("splits a code at its first colon", () => {
    expect(splitCode("contradiction:a:b")).toEqual(["contradiction", "a:b"]);
    expect(splitCode("answered")).toEqual(["answered", ""]);
  });
  it("lists the entries weighed, else those used, three at most", () => {
    const four = [entry(0.9), entry(0.8), entry(0.7), entry(0.6)];
    expect(entriesOf({ candidates: four, chunks: [] })).toHaveLength(3);
    expect(entriesOf({ candidates: [], chunks: [entry(0.5)] })).toEqual([entry(0.5)]);
  });
});
