// The inbox's state and the one reducer that changes it: pages loaded from the API, live events
// (a message for the open conversation, for another one, a conversation's change) and resets.
// Pure: the screens dispatch, the tests call it directly.

import type { Conversation, LiveEvent, Message, Mode, Sort, Status } from "../types";

export interface Filters {
  channel: string;
  status: Status | "";
  unread: boolean;
  sort: Sort;
  assignee: string; // "" any, "none" no one, or a user's id (the signed-in user's for "mine")
  label: string;
  q: string; // search: matched by the server only (message text), see `matches`
}

export interface ListState {
  ids: string[];
  cursor: string | null;
  hasMore: boolean;
  loaded: boolean;
}

export interface InboxState {
  filters: Filters;
  conversations: Record<string, Conversation>;
  lists: Record<Mode, ListState>;
  openId: string | null;
  messages: Message[]; // of the open conversation, oldest first
  /** Bumped by a reset: the screen refetches its lists and the open thread. */
  generation: number;
}

export type Action =
  | { type: "filters"; filters: Filters }
  | { type: "page"; mode: Mode; items: Conversation[]; cursor: string | null; hasMore: boolean; append: boolean }
  | { type: "open"; id: string | null }
  | { type: "messages"; id: string; items: Message[]; older?: boolean }
  | { type: "message"; message: Message }
  | { type: "conversation"; conversation: Conversation }
  | { type: "live"; event: LiveEvent }
  | { type: "reset" };

const emptyList = (): ListState => ({ ids: [], cursor: null, hasMore: false, loaded: false });

export const DEFAULT_FILTERS: Filters = { channel: "", status: "", unread: false, sort: "recent",
  assignee: "", label: "", q: "" };

export function initialState(filters: Filters = DEFAULT_FILTERS): InboxState {
  return { filters, conversations: {}, lists: { bot: emptyList(), manager: emptyList() },
    openId: null, messages: [], generation: 0 };
}

/** Whether a conversation belongs in the list of `mode` under these filters. A search's
 * matches are the server's to tell (message text in Russian word forms): while searching, a
 * live event updates the rows shown but adds none. */
export function matches(c: Conversation, mode: Mode, f: Filters, listed: boolean): boolean {
  const assignee = f.assignee === "none" ? c.assignee_user_id === null
    : !f.assignee || c.assignee_user_id === f.assignee;
  return c.mode === mode && (!f.channel || c.channel_id === f.channel)
    && (!f.status || c.status === f.status) && (!f.unread || c.unread_count > 0)
    && assignee && (!f.label || c.labels.includes(f.label)) && (!f.q || listed);
}

/** The list's order, as the API sorts: pinned first, then last activity newest first or the
 * listing's price (unknown prices last). */
export function compare(sort: Sort): (a: Conversation, b: Conversation) => number {
  const time = (c: Conversation) => (c.last_message_at ? Date.parse(c.last_message_at) : 0);
  const price = (c: Conversation) => c.listing?.price_minor ?? null;
  return (a, b) => {
    if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
    if (sort !== "recent") {
      const pa = price(a), pb = price(b);
      if (pa !== pb) {
        if (pa === null) return 1;
        if (pb === null) return -1;
        return sort === "price" ? pa - pb : pb - pa;
      }
    }
    return time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  };
}

function byTime(a: Message, b: Message): number {
  const t = (m: Message) => Date.parse(m.sent_at ?? m.created_at ?? "") || 0;
  return t(a) - t(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function upsertMessage(messages: Message[], m: Message): Message[] {
  const i = messages.findIndex((x) => x.id === m.id);
  if (i >= 0) {
    const next = messages.slice();
    next[i] = m;
    return next;
  }
  const next = [...messages, m];
  // New messages arrive last nearly always: sort only when it would be out of order.
  const prev = next[next.length - 2];
  return prev && byTime(prev, m) > 0 ? next.sort(byTime) : next;
}

/** Put a changed conversation where it belongs: out of the list it left, into (or moved within)
 * the list it matches, by the list's order. A list not loaded yet is left alone (it will fetch). */
function place(state: InboxState, c: Conversation): InboxState {
  const conversations = { ...state.conversations, [c.id]: c };
  const order = compare(state.filters.sort);
  const lists = { ...state.lists };
  for (const mode of ["bot", "manager"] as const) {
    const list = lists[mode];
    const without = list.ids.filter((id) => id !== c.id);
    if (!list.loaded || !matches(c, mode, state.filters, without.length !== list.ids.length)) {
      if (without.length !== list.ids.length) lists[mode] = { ...list, ids: without };
      continue;
    }
    let at = without.findIndex((id) => {
      const other = conversations[id];
      return other !== undefined && order(c, other) < 0;
    });
    // Past the last loaded item with more to come: the next page will bring it.
    if (at < 0 && list.hasMore) {
      lists[mode] = { ...list, ids: without };
      continue;
    }
    if (at < 0) at = without.length;
    lists[mode] = { ...list, ids: [...without.slice(0, at), c.id, ...without.slice(at)] };
  }
  return { ...state, conversations, lists };
}

export function reduce(state: InboxState, action: Action): InboxState {
  switch (action.type) {
    case "filters":
      return { ...initialState(action.filters), openId: state.openId, messages: state.messages,
        generation: state.generation };
    case "page": {
      const conversations = { ...state.conversations };
      for (const c of action.items) conversations[c.id] = c;
      const list = state.lists[action.mode];
      const seen = new Set(action.append ? list.ids : []);
      const ids = [...(action.append ? list.ids : []),
        ...action.items.map((c) => c.id).filter((id) => !seen.has(id))];
      return { ...state, conversations, lists: { ...state.lists,
        [action.mode]: { ids, cursor: action.cursor, hasMore: action.hasMore, loaded: true } } };
    }
    case "open":
      return { ...state, openId: action.id, messages: action.id === state.openId ? state.messages : [] };
    case "messages": {
      if (action.id !== state.openId) return state;
      // A page joins what is shown: live events may have added messages (or newer states of
      // them) while it was fetched, the first page's included — a page never replaces them.
      const known = new Set(state.messages.map((m) => m.id));
      const items = [...state.messages, ...action.items.filter((m) => !known.has(m.id))];
      return { ...state, messages: items.sort(byTime) };
    }
    case "message":
      if (action.message.conversation_id !== state.openId) return state;
      return { ...state, messages: upsertMessage(state.messages, action.message) };
    case "conversation":
      return place(state, action.conversation);
    case "live": {
      const { conversation, message } = action.event;
      let next = place(state, conversation);
      if (message && message.conversation_id === state.openId) {
        next = { ...next, messages: upsertMessage(next.messages, message) };
      }
      return next;
    }
    case "reset":
      return { ...initialState(state.filters), openId: state.openId, messages: state.messages,
        generation: state.generation + 1 };
  }
}

/** Unread conversations of a list, as far as it is loaded. */
export function unreadIn(state: InboxState, mode: Mode): number {
  return state.lists[mode].ids.filter((id) => (state.conversations[id]?.unread_count ?? 0) > 0).length;
}

/** A live event that should ring: a new message from a buyer (not one imported from history). */
export function isNewBuyerMessage(event: LiveEvent): boolean {
  return event.type === "message.received" && event.message !== null
    && event.message.direction === "inbound" && !event.message.historical;
}
