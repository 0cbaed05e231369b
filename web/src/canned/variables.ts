// Canned replies' variables: `{name}` in the text, filled in per conversation by the API
// (services/conversations/canned/service.py). The same rules here give the editor its preview:
// a variable with no value renders empty and is named in `missing`; a name in braces that is
// no variable stays as written and is named in `unknown`.

import type { Key } from "../i18n";

export const VARIABLES = ["buyer_name", "buyer_phone", "listing_title", "listing_url", "price"] as const;
export type Variable = (typeof VARIABLES)[number];
export type Values = Partial<Record<Variable, string>>;

/** The label of a variable's button and of its line in the preview. */
export const variableKey = (name: Variable): Key => `var_${name}`;

/** What the preview fills in: a conversation as a manager would meet it. */
export const SAMPLE: Values = {
  buyer_name: "Анна",
  buyer_phone: "+7 900 123-45-67",
  listing_title: "Диван угловой «Берген»",
  listing_url: "https://www.avito.ru/moskva/mebel/divan_berg_4012345678",
  price: "15 000 ₽",
};

const PATTERN = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface Rendered { text: string; missing: string[]; unknown: string[] }

export function render(text: string, values: Values): Rendered {
  const missing = new Set<string>();
  const unknown = new Set<string>();
  const out = text.replace(PATTERN, (whole, name: string) => {
    if (!(VARIABLES as readonly string[]).includes(name)) {
      unknown.add(name);
      return whole;
    }
    const value = (values[name as Variable] ?? "").trim();
    if (!value) missing.add(name);
    return value;
  });
  return { text: out, missing: [...missing], unknown: [...unknown] };
}

/** `{name}` put in place of the selection [start, end); the caret goes after it. */
export function insertVariable(text: string, start: number, end: number, name: Variable): { text: string; caret: number } {
  const token = `{${name}}`;
  return { text: text.slice(0, start) + token + text.slice(end), caret: start + token.length };
}
