import { describe, expect, it } from "vitest";
import { translator } from "../i18n";
import { barShares, formatValue, problemsOf } from "./reportValues";

const t = translator("en");
const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("report values", () => {
  it("shows what was not fetched as no data, never a zero", () => {
    expect(formatValue(null, "count", "en", t)).toBe("no data");
    expect(formatValue(0, "count", "en", t)).toBe("0");
    expect(translator("ru")("repNoData")).toBe("нет данных");
  });

  it("shows kopecks as rubles and counts grouped", () => {
    expect(nbsp(formatValue(1234550, "rub", "ru", translator("ru")))).toBe("12 345,50 ₽");
    expect(nbsp(formatValue(-250, "rub", "en", t))).toBe("-RUB 2.50");
    expect(formatValue(12345, "count", "en", t)).toBe("12,345");
  });

  it("shows a duration as median / 90th percentile", () => {
    expect(formatValue({ median_s: 30, p90_s: 600, samples: 4 }, "seconds", "en", t)).toBe("30 s / 10 min");
  });

  it("sizes bars against the longest, leaving the missing out", () => {
    expect(barShares([10, null, 5, 0])).toEqual([1, null, 0.5, 0]);
    expect(barShares([0, 0])).toEqual([0, 0]);
    expect(barShares([null])).toEqual([null]);
  });

  it("lists each problem once", () => {
    const doc = (problems: string[]) => ({ period: { from_date: "", to_date: "" }, time_zone: "UTC",
      metrics: [], partial: problems.length > 0, problems, sections: [] });
    expect(problemsOf([doc(["a", "b"]), doc(["b", "c"]), doc([])])).toEqual(["a", "b", "c"]);
  });
});
