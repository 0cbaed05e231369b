// The pages of the one-time links the team screen hands out: accept an invitation (set a
// password, signed in at once) or set a new password after a reset. Reached signed out.

import { useState } from "preact/hooks";
import { api } from "../api";
import type { T } from "../i18n";
import { navigate } from "../router";
import { describeError } from "../session";

export function SetPassword({ t, path, onDone }: { t: T; path: string; onDone(): void }) {
  const [, kind, token = ""] = path.split("/");
  const invite = kind === "invite";
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      if (invite) await api.post("/v1/auth/accept-invite", { token, password, ...(name ? { name } : {}) });
      else await api.post("/v1/auth/reset-password", { token, password });
      navigate(invite ? "/inbox" : "/login", true);
      onDone();
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="set-title">
        <h1 id="set-title">{invite ? t("acceptInvite") : t("newPassword")}</h1>
        {invite && <label>{t("personName")}<input value={name} maxLength={255} autocomplete="name"
          onInput={(e) => setName(e.currentTarget.value)} /></label>}
        <label>{t("password")}<input type="password" required minLength={8} autocomplete="new-password"
          value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{t("save")}</button>
      </form>
    </main>
  );
}
