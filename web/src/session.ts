// Who is signed in, the language, and the helpers every screen shares.

import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { ApiError } from "./api";
import type { Lang, T } from "./i18n";
import type { Me } from "./types";

export interface Session {
  me: Me;
  t: T;
  lang: Lang;
  setLang(lang: Lang): void;
  signOut(): Promise<void>;
  /** An API failure as a sentence for the user; a lost session sends them to sign in. */
  errorText(err: unknown): string;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside a signed-in screen");
  return s;
}

export function describeError(err: unknown, t: T): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t(err.message === "timeout" ? "timeout" : "network");
    if (err.status === 401) return t("sessionExpired");
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function formatTime(iso: string | null, lang: Lang): string {
  if (!iso) return "";
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return d.toLocaleString(lang === "ru" ? "ru-RU" : "en-GB",
    today ? { hour: "2-digit", minute: "2-digit" } : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

export function formatPrice(minor: number | null | undefined, lang: Lang): string | null {
  if (minor === null || minor === undefined) return null;
  return new Intl.NumberFormat(lang === "ru" ? "ru-RU" : "en-GB",
    { style: "currency", currency: "RUB", maximumFractionDigits: 0 }).format(minor / 100);
}
