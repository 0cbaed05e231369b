// The left column's list: virtualized, a listbox navigable with up/down/Home/End and Enter,
// asking for the next page when the end comes into view.

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { formatPrice, formatTime, useSession } from "../session";
import type { Conversation } from "../types";
import { Icon } from "../icons";
import { scrollToRow, visibleRange } from "./virtual";

export const ROW_HEIGHT = 76;

interface Props {
  id: string;
  labelledBy: string;
  items: Conversation[];
  openId: string | null;
  hasMore: boolean;
  loading: boolean;
  onOpen(id: string): void;
  onMore(): void;
}

export function ConversationList({ id, labelledBy, items, openId, hasMore, loading, onOpen, onMore }: Props) {
  const { t, lang } = useSession();
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [active, setActive] = useState(0);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    setViewport(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  const { start, end } = visibleRange(scrollTop, viewport, ROW_HEIGHT, items.length);
  useEffect(() => {
    if (hasMore && !loading && end >= items.length - 5) onMore();
  }, [end, items.length, hasMore, loading]);

  const activeIndex = Math.min(active, Math.max(0, items.length - 1));
  function move(to: number) {
    const i = Math.max(0, Math.min(items.length - 1, to));
    setActive(i);
    const el = box.current;
    if (el) el.scrollTop = scrollToRow(i, el.scrollTop, el.clientHeight, ROW_HEIGHT);
  }
  function onKey(e: KeyboardEvent) {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(activeIndex + 1), ArrowUp: () => move(activeIndex - 1),
      Home: () => move(0), End: () => move(items.length - 1),
      Enter: () => { const c = items[activeIndex]; if (c) onOpen(c.id); },
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  }

  const activeItem = items[activeIndex];
  return (
    <div ref={box} class="conv-list" id={id} role="listbox" tabIndex={0} aria-labelledby={labelledBy}
      aria-activedescendant={activeItem ? `row-${activeItem.id}` : undefined}
      onKeyDown={onKey} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      {items.length === 0 && <p class="muted pad">{loading ? t("loading") : t("empty")}</p>}
      <div style={{ height: `${items.length * ROW_HEIGHT}px`, position: "relative" }}>
        {items.slice(start, end).map((c, k) => {
          const i = start + k;
          const price = formatPrice(c.listing?.price_minor, lang);
          return (
            <div key={c.id} id={`row-${c.id}`} role="option" aria-selected={c.id === openId}
              class={`row${i === activeIndex ? " active" : ""}${c.unread_count ? " unread" : ""}`}
              style={{ transform: `translateY(${i * ROW_HEIGHT}px)`, height: `${ROW_HEIGHT}px` }}
              data-conversation={c.id}
              onClick={() => { setActive(i); onOpen(c.id); }}>
              <div class="row-top">
                <span class="name">{c.pinned && <span title={t("pinned")}><Icon name="pin" size={12} /> </span>}{c.contact.name || c.contact.external_user_id}</span>
                <time>{formatTime(c.last_message_at, lang)}</time>
              </div>
              <div class="row-mid">{c.listing?.title ?? ""}{price && <span class="price"> · {price}</span>}</div>
              <div class="row-bot">
                <span class="preview">{c.last_message_preview}</span>
                {c.unread_count > 0 && <span class="badge">{c.unread_count}</span>}
              </div>
            </div>
          );
        })}
      </div>
      {loading && items.length > 0 && <p class="muted pad">{t("loading")}</p>}
    </div>
  );
}
