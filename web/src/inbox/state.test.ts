import { describe, expect, it } from "vitest";
import type { Conversation, LiveEvent, Message } from "../types";
import { DEFAULT_FILTERS, initialState, isNewBuyerMessage, reduce, unreadIn, type InboxState } from "./state";

const conv = (id: string, over: Partial<Conversation> = {}): Conversation => ({
  id, channel_id: "ch1", channel: "avito", contact: { id: "p", external_user_id: "u", name: id, phone: "" },
  status: "open", mode: "bot", assignee_user_id: null, pinned: false, labels: [], unread_count: 0,
  last_message_at: "2026-12-03T10:00:00Z", last_message_preview: "", listing: null, ...over,
});
const msg = (id: string, conversation_id: string, over: Partial<Message> = {}): Message => ({
  id, conversation_id, direction: "inbound", sender: "contact", sender_user_id: null, content_type: "text",
  text: id, attachments: [], status: "received", failure_reason: null, sent_at: "2026-12-03T11:00:00Z",
  created_at: "2026-12-03T11:00:00Z", ...over,
});
const live = (type: string, c: Conversation, m: Message | null): LiveEvent => ({ id: "1", type, conversation: c, message: m });

function loaded(): InboxState {
  let s = initialState();
  s = reduce(s, { type: "page", mode: "bot", items: [conv("a", { last_message_at: "2026-12-03T10:00:00Z" }),
    conv("b", { last_message_at: "2026-12-03T09:00:00Z" })], cursor: null, hasMore: false, append: false });
  s = reduce(s, { type: "page", mode: "manager", items: [conv("m", { mode: "manager" })], cursor: null, hasMore: false, append: false });
  s = reduce(s, { type: "open", id: "b" });
  return reduce(s, { type: "messages", id: "b", items: [msg("b2", "b", { sent_at: "2026-12-03T09:00:00Z" }),
    msg("b1", "b", { sent_at: "2026-12-03T08:00:00Z" })] });
}

describe("the inbox reducer", () => {
  it("shows a message for the open conversation at the end of its thread and moves it to the top", () => {
    const s = reduce(loaded(), { type: "live", event: live("message.received",
      conv("b", { last_message_at: "2026-12-03T11:00:00Z", unread_count: 1 }), msg("b3", "b")) });
    expect(s.messages.map((m) => m.id)).toEqual(["b1", "b2", "b3"]);
    expect(s.lists.bot.ids).toEqual(["b", "a"]);
    expect(unreadIn(s, "bot")).toBe(1);
  });

  it("keeps a message that arrived live while the thread's first page was fetched", () => {
    let s = reduce(loaded(), { type: "open", id: "a" });
    s = reduce(s, { type: "live", event: live("message.received",
      conv("a", { last_message_at: "2026-12-03T12:00:00Z" }), msg("a2", "a", { sent_at: "2026-12-03T12:00:00Z" })) });
    s = reduce(s, { type: "messages", id: "a", items: [msg("a1", "a", { sent_at: "2026-12-03T10:00:00Z" })] });
    expect(s.messages.map((m) => m.id)).toEqual(["a1", "a2"]);
  });

  it("joins an older page of messages before the ones shown", () => {
    const s = reduce(loaded(), { type: "messages", id: "b", older: true,
      items: [msg("b0", "b", { sent_at: "2026-12-03T07:00:00Z" }), msg("b1", "b", { sent_at: "2026-12-03T08:00:00Z" })] });
    expect(s.messages.map((m) => m.id)).toEqual(["b0", "b1", "b2"]);
  });

  it("updates a message in place when its delivery status changes", () => {
    let s = reduce(loaded(), { type: "message", message: msg("out", "b", { direction: "outbound", status: "pending" }) });
    s = reduce(s, { type: "live", event: live("message.status_changed", conv("b"),
      msg("out", "b", { direction: "outbound", status: "sent" })) });
    expect(s.messages.filter((m) => m.id === "out").map((m) => m.status)).toEqual(["sent"]);
  });

  it("keeps a message for another conversation out of the open thread but lists that conversation", () => {
    const s = reduce(loaded(), { type: "live", event: live("message.received",
      conv("new", { last_message_at: "2026-12-03T12:00:00Z", unread_count: 1 }), msg("n1", "new")) });
    expect(s.messages.map((m) => m.id)).toEqual(["b1", "b2"]);
    expect(s.lists.bot.ids).toEqual(["new", "a", "b"]);
    expect(s.openId).toBe("b");
  });

  it("moves a conversation between the lists when its mode changes", () => {
    const s = reduce(loaded(), { type: "live", event: live("conversation.updated", conv("a", { mode: "manager", last_message_at: "2026-12-03T10:30:00Z" }), null) });
    expect(s.lists.bot.ids).toEqual(["b"]);
    expect(s.lists.manager.ids).toEqual(["a", "m"]);
  });

  it("puts pinned conversations first, as the API does", () => {
    const s = reduce(loaded(), { type: "conversation", conversation: conv("b", { pinned: true }) });
    expect(s.lists.bot.ids).toEqual(["b", "a"]);
    const later = reduce(s, { type: "live", event: live("message.received",
      conv("a", { last_message_at: "2026-12-03T13:00:00Z" }), null) });
    expect(later.lists.bot.ids).toEqual(["b", "a"]);
  });

  it("filters live changes by assignee and label, and adds none while searching", () => {
    const base = { ...DEFAULT_FILTERS, assignee: "u1", label: "vip" };
    let s = reduce(initialState(), { type: "filters", filters: base });
    s = reduce(s, { type: "page", mode: "bot", items: [], cursor: null, hasMore: false, append: false });
    s = reduce(s, { type: "conversation", conversation: conv("x", { assignee_user_id: "u2", labels: ["vip"] }) });
    s = reduce(s, { type: "conversation", conversation: conv("y", { assignee_user_id: "u1", labels: ["vip"] }) });
    expect(s.lists.bot.ids).toEqual(["y"]);
    let q = reduce(initialState(), { type: "filters", filters: { ...DEFAULT_FILTERS, q: "доставка" } });
    q = reduce(q, { type: "page", mode: "bot", items: [conv("found")], cursor: null, hasMore: false, append: false });
    q = reduce(q, { type: "live", event: live("message.received", conv("other"), null) });
    q = reduce(q, { type: "live", event: live("message.received", conv("found", { unread_count: 2 }), null) });
    expect(q.lists.bot.ids).toEqual(["found"]);
    expect(q.conversations.found?.unread_count).toBe(2);
  });

  it("leaves out a conversation the filters exclude, and one past a list with more pages", () => {
    let s = reduce(initialState(), { type: "filters", filters: { ...DEFAULT_FILTERS, channel: "ch2" } });
    s = reduce(s, { type: "page", mode: "bot", items: [], cursor: null, hasMore: false, append: false });
    s = reduce(s, { type: "live", event: live("message.received", conv("x"), msg("x1", "x")) });
    expect(s.lists.bot.ids).toEqual([]);
    s = reduce(loaded(), { type: "page", mode: "bot", items: [conv("a")], cursor: "c", hasMore: true, append: false });
    s = reduce(s, { type: "live", event: live("message.received", conv("old", { last_message_at: "2026-01-01T00:00:00Z" }), null) });
    expect(s.lists.bot.ids).toEqual(["a"]);
  });

  it("on a reset drops the lists, keeps the open conversation and asks for a refetch", () => {
    const before = loaded();
    const s = reduce(before, { type: "reset" });
    expect(s.generation).toBe(before.generation + 1);
    expect(s.lists.bot.loaded).toBe(false);
    expect(s.lists.bot.ids).toEqual([]);
    expect(s.openId).toBe("b");
  });

  it("appends a next page without duplicating what a live event already placed", () => {
    const s = reduce(loaded(), { type: "page", mode: "bot", items: [conv("b"), conv("c", { last_message_at: "2026-12-01T00:00:00Z" })],
      cursor: null, hasMore: false, append: true });
    expect(s.lists.bot.ids).toEqual(["a", "b", "c"]);
  });

  it("rings only for a new buyer message", () => {
    expect(isNewBuyerMessage(live("message.received", conv("a"), msg("1", "a")))).toBe(true);
    expect(isNewBuyerMessage(live("message.received", conv("a"), msg("1", "a", { historical: true })))).toBe(false);
    expect(isNewBuyerMessage(live("message.created", conv("a"), msg("1", "a", { direction: "outbound" })))).toBe(false);
    expect(isNewBuyerMessage(live("conversation.updated", conv("a"), null))).toBe(false);
  });
});
