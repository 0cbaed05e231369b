// The inbox: three columns (lists, conversation, details) on a wide screen, one at a time on a
// phone. Lists and the open conversation come from REST; live events keep them current.

import { useEffect, useReducer, useState } from "preact/hooks";
import { api, query } from "../api";
import { navigate } from "../router";
import { useSession } from "../session";
import type { Channel, Conversation, Message, Mode, Status, User } from "../types";
import { ConversationList } from "./ConversationList";
import { Details } from "./Details";
import { useLive } from "./live";
import { type Filters, initialState, reduce, unreadIn } from "./state";
import { Thread } from "./Thread";

const PAGE = 50;
const STATUSES: Status[] = ["open", "pending", "snoozed", "resolved"];

export function Inbox({ path }: { path: string }) {
  const { t, errorText, me } = useSession();
  const [state, dispatch] = useReducer(reduce, undefined, () => initialState());
  const [tab, setTab] = useState<Mode>("manager");
  const [loading, setLoading] = useState<Record<Mode, boolean>>({ bot: false, manager: false });
  const [channels, setChannels] = useState<Channel[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [search, setSearch] = useState("");
  const [olderCursor, setOlderCursor] = useState<string | null>(null);
  const [error, setError] = useState("");
  const openId = path.split("/")[2] || null;
  const live = useLive(dispatch, state.openId);

  async function loadPage(mode: Mode, append: boolean) {
    const list = state.lists[mode];
    if (append && (!list.hasMore || loading[mode])) return;
    setLoading((l) => ({ ...l, [mode]: true }));
    try {
      const f = state.filters;
      const page = await api.get<{ items: Conversation[]; page: { next_cursor: string | null; has_more: boolean } }>(
        `/v1/conversations${query({ mode, channel: f.channel, status: f.status, unread: f.unread,
          assignee: f.assignee, label: f.label, q: f.q, sort: f.sort, limit: PAGE,
          cursor: append ? list.cursor : "" })}`);
      dispatch({ type: "page", mode, items: page.items, cursor: page.page.next_cursor,
        hasMore: page.page.has_more, append });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading((l) => ({ ...l, [mode]: false }));
    }
  }

  useEffect(() => {
    api.get<{ items: Channel[] }>("/v1/channels?limit=100").then((r) => setChannels(r.items),
      (err) => setError(errorText(err)));
    api.get<{ items: User[] }>("/v1/users?active=true").then((r) => setUsers(r.items), () => undefined);
  }, []);
  // Search as the manager types, once they pause.
  useEffect(() => {
    if (search.trim() === state.filters.q) return;
    const timer = setTimeout(() => setFilters({ q: search.trim() }), 300);
    return () => clearTimeout(timer);
  }, [search]);
  // Filters changed, or a reset: both lists from their first page.
  useEffect(() => {
    void loadPage("bot", false);
    void loadPage("manager", false);
  }, [state.filters, state.generation]);
  useEffect(() => {
    dispatch({ type: "open", id: openId });
    setOlderCursor(null);
    if (!openId) return;
    let stale = false;
    Promise.all([
      api.get<Conversation>(`/v1/conversations/${openId}`),
      api.get<{ items: Message[]; page: { next_cursor: string | null } }>(`/v1/conversations/${openId}/messages?limit=100`),
    ]).then(([c, messages]) => {
      if (stale) return;
      dispatch({ type: "conversation", conversation: c });
      dispatch({ type: "messages", id: openId, items: messages.items });
      setOlderCursor(messages.page.next_cursor);
      setTab(c.mode);
      if (c.unread_count > 0) {
        api.post<Conversation>(`/v1/conversations/${openId}/read`)
          .then((r) => dispatch({ type: "conversation", conversation: r }), () => undefined);
      }
    }, (err) => setError(errorText(err)));
    return () => { stale = true; };
  }, [openId, state.generation]);

  async function loadOlder() {
    if (!openId || !olderCursor) return;
    try {
      const page = await api.get<{ items: Message[]; page: { next_cursor: string | null } }>(
        `/v1/conversations/${openId}/messages${query({ limit: 100, cursor: olderCursor })}`);
      dispatch({ type: "messages", id: openId, items: page.items, older: true });
      setOlderCursor(page.page.next_cursor);
    } catch (err) {
      setError(errorText(err));
    }
  }

  const setFilters = (f: Partial<Filters>) => dispatch({ type: "filters", filters: { ...state.filters, ...f } });
  const open = state.openId ? state.conversations[state.openId] : undefined;
  const items = state.lists[tab].ids.map((id) => state.conversations[id]).filter((c): c is Conversation => !!c);

  return (
    <div class={`inbox${open ? " has-open" : ""}`}>
      <section class="col-lists" aria-label={t("navInbox")}>
        <div class="tabs" role="tablist">
          {(["bot", "manager"] as const).map((mode) => (
            <button key={mode} type="button" role="tab" id={`tab-${mode}`} aria-selected={tab === mode}
              aria-controls="conv-list" onClick={() => setTab(mode)}>
              {t(mode === "bot" ? "listBot" : "listManager")}
              <span class="count" title={t("unreadCount", { n: unreadIn(state, mode) })}>
                {unreadIn(state, mode)}{state.lists[mode].hasMore ? "+" : ""}</span>
            </button>
          ))}
        </div>
        <label class="search">
          <span class="sr-only">{t("search")}</span>
          <input type="search" placeholder={t("search")} maxLength={200} value={search}
            onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <div class="filters">
          <label>{t("filterChannel")}
            <select value={state.filters.channel} onChange={(e) => setFilters({ channel: e.currentTarget.value })}>
              <option value="">{t("all")}</option>
              {channels.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
          <label>{t("filterStatus")}
            <select value={state.filters.status} onChange={(e) => setFilters({ status: e.currentTarget.value as Status | "" })}>
              <option value="">{t("all")}</option>
              {STATUSES.map((s) => <option key={s} value={s}>{t(`status_${s}`)}</option>)}
            </select>
          </label>
          <label>{t("sort")}
            <select value={state.filters.sort} onChange={(e) => setFilters({ sort: e.currentTarget.value as Filters["sort"] })}>
              <option value="recent">{t("sortRecent")}</option>
              <option value="price">{t("sortPrice")}</option>
              <option value="price_desc">{t("sortPriceDesc")}</option>
            </select>
          </label>
          <label>{t("filterAssignee")}
            <select value={state.filters.assignee} onChange={(e) => setFilters({ assignee: e.currentTarget.value })}>
              <option value="">{t("all")}</option>
              {me.user_id && <option value={me.user_id}>{t("mine")}</option>}
              <option value="none">{t("nobody")}</option>
              {users.filter((u) => u.id !== me.user_id).map((u) => <option key={u.id} value={u.id}>{u.name || u.email}</option>)}
            </select>
          </label>
          <label>{t("filterLabel")}
            <input value={state.filters.label} maxLength={64}
              onChange={(e) => setFilters({ label: e.currentTarget.value.trim() })} />
          </label>
          <label class="check">
            <input type="checkbox" checked={state.filters.unread} onChange={(e) => setFilters({ unread: e.currentTarget.checked })} />
            {t("filterUnread")}
          </label>
        </div>
        <p class={`live ${live}`} role="status">{live === "open" ? t("liveConnected") : t("liveReconnecting")}</p>
        {error && <p class="error" role="alert">{error}</p>}
        <ConversationList id="conv-list" labelledBy={`tab-${tab}`} items={items} openId={state.openId}
          hasMore={state.lists[tab].hasMore} loading={loading[tab]}
          onOpen={(id) => navigate(`/inbox/${id}`)} onMore={() => void loadPage(tab, true)} />
      </section>
      {open ? (
        <>
          <div class="col-thread">
            <button type="button" class="back" onClick={() => navigate("/inbox")}>← {t("back")}</button>
            <Thread conversation={open} messages={state.messages}
              onOlder={olderCursor ? () => void loadOlder() : null}
              onSent={(m) => dispatch({ type: "message", message: m })} />
          </div>
          <Details conversation={open} channel={channels.find((c) => c.id === open.channel_id)} users={users}
            onChanged={(c) => dispatch({ type: "conversation", conversation: c })} />
        </>
      ) : (
        <p class="col-thread placeholder">{t("chooseConversation")}</p>
      )}
    </div>
  );
}
