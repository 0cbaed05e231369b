import { describe, expect, it } from "vitest";
import { roleChoices } from "./teamRoles";

const owner = { role: "owner", user_id: "u-owner" };

describe("role choices on the Team screen", () => {
  it("lets the owner give any role to someone else", () => {
    expect(roleChoices(owner, { id: "u-agent" })).toEqual(["owner", "admin", "agent"]);
  });

  it("never offers the owner their own role (another owner changes it)", () => {
    expect(roleChoices(owner, { id: "u-owner" })).toEqual([]);
  });

  it("offers nothing to an admin, an agent or an API key", () => {
    for (const me of [{ role: "admin", user_id: "u-a" }, { role: "agent", user_id: "u-b" }, { role: null, user_id: null }]) {
      expect(roleChoices(me, { id: "u-agent" })).toEqual([]);
    }
  });
});
