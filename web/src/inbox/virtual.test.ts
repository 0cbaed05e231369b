import { describe, expect, it } from "vitest";
import { scrollToRow, visibleRange } from "./virtual";

describe("the virtual list", () => {
  it("renders only the rows in view and a margin", () => {
    expect(visibleRange(0, 600, 76, 1000)).toEqual({ start: 0, end: 15 });
    expect(visibleRange(76 * 500, 600, 76, 1000)).toEqual({ start: 494, end: 515 });
    expect(visibleRange(76 * 998, 600, 76, 1000)).toEqual({ start: 992, end: 1000 });
  });

  it("scrolls a row into view only when it is out of view", () => {
    expect(scrollToRow(0, 760, 600, 76)).toBe(0);
    expect(scrollToRow(20, 0, 600, 76)).toBe(21 * 76 - 600);
    expect(scrollToRow(3, 0, 600, 76)).toBe(0);
  });
});
