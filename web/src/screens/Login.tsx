import { useState } from "preact/hooks";
import { api } from "../api";
import type { Lang, T } from "../i18n";
import { describeError } from "../session";
import type { Me } from "../types";

interface Props {
  t: T;
  lang: Lang;
  setLang(l: Lang): void;
  onSignedIn(me: Me): void;
}

export function Login({ t, lang, setLang, onSignedIn }: Props) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await api.post("/v1/auth/login", { email, password });
      onSignedIn(await api.get<Me>("/v1/auth/me"));
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t("signInTitle")}</h1>
        <label>
          {t("email")}
          <input type="email" name="email" autocomplete="username" required autoFocus
            value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t("password")}
          <input type="password" name="password" autocomplete="current-password" required
            value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{busy ? t("signingIn") : t("signIn")}</button>
        <label class="lang">
          {t("language")}
          <select value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
            <option value="ru">Русский</option>
            <option value="en">English</option>
          </select>
        </label>
      </form>
    </main>
  );
}
