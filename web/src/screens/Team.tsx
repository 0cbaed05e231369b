// The team: who may work in the inbox. The owner invites admins and agents, an admin agents;
// disable/enable, a password-reset link, the role (owner only). No e-mail is sent: the screen
// shows the one-time link to hand over.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Key } from "../i18n";
import { formatTime, useSession } from "../session";
import type { User } from "../types";
import { roleChoices } from "./teamRoles";

interface Member extends User { status: string; last_login_at: string | null }

export function Team() {
  const { t, errorText, me } = useSession();
  const [users, setUsers] = useState<Member[] | null>(null);
  const [link, setLink] = useState("");
  const [error, setError] = useState("");
  const admin = me.role === "owner" || me.role === "admin";

  const load = () => api.get<{ items: Member[] }>("/v1/users").then((r) => setUsers(r.items), (e) => setError(errorText(e)));
  useEffect(() => { void load(); }, []);

  async function act(call: () => Promise<unknown>) {
    setError("");
    try {
      await call();
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <div class="page">
      <h1>{t("teamTitle")}</h1>
      {admin && <Invite onLink={(url) => { setLink(url); void load(); }} />}
      {link && (
        <p class="card" role="status">{t("handOverLink")}<input class="link-out" readOnly value={link}
          onFocus={(e) => e.currentTarget.select()} /></p>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {users === null ? <p>{t("loading")}</p> : (
        <table class="team">
          <thead><tr><th>{t("email")}</th><th>{t("role")}</th><th>{t("statusLabel")}</th><th>{t("lastLogin")}</th><th /></tr></thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-user={u.email}>
                <td>{u.name ? `${u.name} · ` : ""}{u.email}</td>
                <td><RoleCell user={u} onChange={(role) => void act(() => api.patch(`/v1/users/${u.id}`, { role }))} /></td>
                <td>{t(`user_${u.status}` as Key)}</td>
                <td>{formatTime(u.last_login_at, "ru") || t("never")}</td>
                <td class="actions">
                  {admin && u.id !== me.user_id && (
                    <>
                      <button type="button" class="secondary"
                        onClick={() => void act(() => api.patch(`/v1/users/${u.id}`, { active: u.status === "disabled" }))}>
                        {u.status === "disabled" ? t("enable") : t("disable")}</button>
                      <button type="button" class="secondary"
                        onClick={() => void act(async () => setLink((await api.post<{ url: string }>(`/v1/users/${u.id}/password-reset`)).url))}>
                        {t("resetPassword")}</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The owner picks another user's role here (they sign in again with it); others see it. */
function RoleCell({ user, onChange }: { user: Member; onChange(role: string): void }) {
  const { t, me } = useSession();
  const choices = roleChoices(me, user);
  const name = t(`role_${user.role}` as Key);
  if (!choices.length) return <>{name}</>;
  return (
    <label>
      <span class="sr-only">{t("roleOf", { user: user.name || user.email })}</span>
      <select value={user.role} onChange={(e) => onChange(e.currentTarget.value)}>
        {choices.map((r) => <option key={r} value={r}>{t(`role_${r}` as Key)}</option>)}
      </select>
    </label>
  );
}

function Invite({ onLink }: { onLink(url: string): void }) {
  const { t, errorText, me } = useSession();
  const [form, setForm] = useState({ email: "", name: "", role: "agent" });
  const [error, setError] = useState("");
  return (
    <form class="card" aria-labelledby="invite" onSubmit={(e) => {
      e.preventDefault();
      setError("");
      api.post<{ invite_url: string }>("/v1/users", form).then((r) => {
        setForm({ email: "", name: "", role: "agent" });
        onLink(r.invite_url);
      }, (err) => setError(errorText(err)));
    }}>
      <h2 id="invite">{t("invite")}</h2>
      <label>{t("email")}<input type="email" required value={form.email}
        onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} /></label>
      <label>{t("personName")}<input value={form.name} maxLength={255}
        onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} /></label>
      <label>{t("role")}<select value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
        <option value="agent">{t("role_agent")}</option>
        {me.role === "owner" && <option value="admin">{t("role_admin")}</option>}
      </select></label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit">{t("invite")}</button>
    </form>
  );
}
