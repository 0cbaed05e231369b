// Who may give which role to whom on the Team screen, as the API decides it
// (gateway/identity/team_rules.py): only the owner changes roles, never their own.

export const ROLES = ["owner", "admin", "agent"] as const;
export type Role = (typeof ROLES)[number];

/** The roles the signed-in user may choose for `target`; empty: the role is shown, not edited. */
export function roleChoices(me: { role: string | null; user_id: string | null }, target: { id: string }): readonly Role[] {
  return me.role === "owner" && me.user_id !== target.id ? ROLES : [];
}
