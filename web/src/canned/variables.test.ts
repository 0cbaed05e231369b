import { describe, expect, it } from "vitest";
import { insertVariable, render, SAMPLE } from "./variables";

describe("a canned reply's preview", () => {
  it("fills in every variable it has a value for", () => {
    expect(render("{buyer_name}, «{listing_title}» за {price} в наличии", SAMPLE)).toEqual({
      text: "Анна, «Диван угловой «Берген»» за 15 000 ₽ в наличии", missing: [], unknown: [],
    });
  });

  it("renders a variable with no value empty and names it once", () => {
    expect(render("Цена {price}, {price}!", { price: "  " })).toEqual({ text: "Цена , !", missing: ["price"], unknown: [] });
  });

  it("leaves a name that is no variable as written, and plain braces alone", () => {
    expect(render("{имя} {buyer} {1x} {}", SAMPLE)).toEqual({ text: "{имя} {buyer} {1x} {}", missing: [], unknown: ["buyer"] });
  });
});

describe("inserting a variable", () => {
  it("replaces the selection and puts the caret after the variable", () => {
    expect(insertVariable("Здравствуйте, !", 14, 14, "buyer_name")).toEqual({ text: "Здравствуйте, {buyer_name}!", caret: 26 });
    expect(insertVariable("Цена XXX", 5, 8, "price")).toEqual({ text: "Цена {price}", caret: 12 });
  });
});
