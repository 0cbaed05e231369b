import { describe, expect, it } from "vitest";
import { dictionaries, storedLang, translator } from "./i18n";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the dictionaries", () => {
  it("have the same keys, none empty, with the same placeholders", () => {
    const { ru, en } = dictionaries;
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
    for (const key of Object.keys(ru) as (keyof typeof ru)[]) {
      expect(ru[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      expect(placeholders(en[key]), key).toEqual(placeholders(ru[key]));
    }
  });

  it("speak Russian unless English was chosen, and fill placeholders", () => {
    expect(storedLang(null)).toBe("ru");
    expect(storedLang({ getItem: () => "en" })).toBe("en");
    expect(storedLang({ getItem: () => "de" })).toBe("ru");
    expect(translator("en")("unreadCount", { n: 3 })).toBe("3 unread");
    expect(translator("ru")("listBot")).toBe("ИИ отвечает");
  });
});
