import { describe, expect, it } from "vitest";
import { groupText, parseGroup } from "./synonymGroups";

describe("a synonym group typed by the seller", () => {
  it("is split at commas, lower-cased, ё folded, spaces collapsed, repeats dropped", () => {
    expect(parseGroup(" Симка,  СИМ   карта ,sim, симка, Ёлка")).toEqual(
      { words: ["симка", "сим карта", "sim", "елка"] });
  });

  it("accepts semicolons and lines too, and skips empty pieces", () => {
    expect(parseGroup("еврокнижка;\nраскладной диван,,")).toEqual(
      { words: ["еврокнижка", "раскладной диван"] });
  });

  it("needs two different words", () => {
    expect(parseGroup("симка")).toEqual({ problem: "tooFew" });
    expect(parseGroup("симка, Симка")).toEqual({ problem: "tooFew" });
    expect(parseGroup(" , ")).toEqual({ problem: "tooFew" });
  });

  it("refuses a word over 60 characters, naming it, and more than 20 words", () => {
    const long = "д".repeat(61);
    expect(parseGroup(`симка, ${long}`)).toEqual({ problem: "tooLong", word: long });
    expect(parseGroup(Array.from({ length: 21 }, (_, i) => `слово${i}`).join(","))).toEqual({ problem: "tooMany" });
    expect("words" in parseGroup(Array.from({ length: 20 }, (_, i) => `слово${i}`).join(","))).toBe(true);
  });

  it("is shown for editing as it is typed", () => {
    const group = { id: "g1", words: ["симка", "сим-карта"] };
    expect(parseGroup(groupText(group))).toEqual({ words: group.words });
  });
});
