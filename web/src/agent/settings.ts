// The agent's settings as the form edits them, and the form back as a `PUT /v1/agent/settings`
// patch: only what changed is sent, so a channel account's level keeps inheriting every field
// the manager did not touch (gateway/agent/settings.py, services/agent/settings/rules.py).

export type OutsideHours = "HOLD_UNTIL_OPEN" | "REPLY_ANYWAY" | "HANDOFF";

export interface DayHours { weekday: number; open: string; close: string }

export interface AgentSettings {
  enabled: boolean;
  instructions: string;
  model: string;
  base_url: string;
  api_key_set: boolean;
  temperature: number;
  reply_language: string;
  business_hours: { time_zone: string; days: DayHours[] };
  outside_hours: OutsideHours;
  handoff: { keywords: string[]; low_confidence_limit: number };
  limits: { replies_per_conversation_per_hour: number; max_reply_chars: number };
  embeddings_model: string;
  faq_match_threshold: number;
  silence_window_s: number;
  max_wait_s: number;
  human_reply_takes_over: boolean;
}

export interface SettingsView {
  effective: AgentSettings;
  tenant: AgentSettings;
  overridden_fields: string[];
  channel_id: string | null;
}

/** One row per weekday (1 = Monday): closed rows are left out of the business hours. */
export interface DayRow { weekday: number; open: boolean; from: string; to: string }

/** The form's values: numbers as typed (checked on save), keywords one per line. */
export interface FormValues {
  enabled: boolean;
  instructions: string;
  base_url: string;
  model: string;
  temperature: string;
  reply_language: string;
  embeddings_model: string;
  silence_window_s: string;
  max_wait_s: string;
  faq_match_threshold: string;
  human_reply_takes_over: boolean;
  "handoff.keywords": string;
  "handoff.low_confidence_limit": string;
  "limits.replies_per_conversation_per_hour": string;
  "limits.max_reply_chars": string;
  outside_hours: OutsideHours;
  business_hours: { time_zone: string; days: DayRow[] };
}

/** The settings' field paths as the API names them (its `overridden_fields` and `reset`). */
export type Field = keyof FormValues;

const NUMBERS: Partial<Record<Field, "int" | "float">> = {
  temperature: "float", faq_match_threshold: "float", silence_window_s: "int", max_wait_s: "int",
  "handoff.low_confidence_limit": "int", "limits.replies_per_conversation_per_hour": "int",
  "limits.max_reply_chars": "int",
};
const NESTED = ["handoff", "limits"] as const;

export function formValues(s: AgentSettings): FormValues {
  const hours = new Map(s.business_hours.days.map((d) => [d.weekday, d]));
  return {
    enabled: s.enabled, instructions: s.instructions, base_url: s.base_url, model: s.model,
    temperature: String(s.temperature), reply_language: s.reply_language,
    embeddings_model: s.embeddings_model, silence_window_s: String(s.silence_window_s),
    max_wait_s: String(s.max_wait_s), faq_match_threshold: String(s.faq_match_threshold),
    human_reply_takes_over: s.human_reply_takes_over,
    "handoff.keywords": s.handoff.keywords.join("\n"),
    "handoff.low_confidence_limit": String(s.handoff.low_confidence_limit),
    "limits.replies_per_conversation_per_hour": String(s.limits.replies_per_conversation_per_hour),
    "limits.max_reply_chars": String(s.limits.max_reply_chars),
    outside_hours: s.outside_hours,
    business_hours: {
      time_zone: s.business_hours.time_zone,
      days: [1, 2, 3, 4, 5, 6, 7].map((weekday) => {
        const d = hours.get(weekday);
        return { weekday, open: !!d, from: d?.open ?? "09:00", to: d?.close ?? "21:00" };
      }),
    },
  };
}

/** The API key's change: a new key, "clear" (no key at this level), or none. */
export type KeyChange = { kind: "keep" } | { kind: "set"; key: string } | { kind: "clear" };

export type Patch = Record<string, unknown> & { reset?: string[] };

/** A field the form cannot send as it is, with what the user should fix. */
export class FormError extends Error {
  constructor(readonly field: Field, readonly problem: "number") { super(`${field}: ${problem}`); }
}

/** The changed fields of `edited` against `shown` as a patch; `resets` inherit again (a
 *  channel account's level only). Throws FormError for a number that is not one. */
export function patchOf(shown: FormValues, edited: FormValues, resets: ReadonlySet<Field>,
                        key: KeyChange): Patch {
  const patch: Patch = {};
  const reset: string[] = [...resets];
  for (const field of Object.keys(edited) as Field[]) {
    if (resets.has(field) || same(shown[field], edited[field])) continue;
    const [group, name] = field.split(".") as [string, string | undefined];
    const value = apiValue(field, edited[field]);
    if (name && (NESTED as readonly string[]).includes(group)) {
      patch[group] = { ...(patch[group] as object | undefined), [name]: value };
    } else {
      patch[field] = value;
    }
  }
  if (key.kind === "set") patch.api_key = key.key.trim();
  if (key.kind === "clear") reset.push("api_key");
  if (reset.length) patch.reset = reset;
  return patch;
}

function apiValue(field: Field, value: FormValues[Field]): unknown {
  const numeric = NUMBERS[field];
  if (numeric) {
    const text = String(value).trim().replace(",", ".");
    const n = Number(text);
    if (text === "" || !Number.isFinite(n) || (numeric === "int" && !Number.isInteger(n))) {
      throw new FormError(field, "number");
    }
    return n;
  }
  if (field === "handoff.keywords") {
    return String(value).split(/[\n,]/).map((w) => w.trim()).filter(Boolean);
  }
  if (field === "business_hours") {
    const hours = value as FormValues["business_hours"];
    return {
      time_zone: hours.time_zone.trim(),
      days: hours.days.filter((d) => d.open).map((d) => ({ weekday: d.weekday, open: d.from, close: d.to })),
    };
  }
  return typeof value === "string" ? value.trim() : value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Is a patch empty (nothing to save)? */
export function isEmpty(patch: Patch): boolean {
  return Object.keys(patch).length === 0;
}
