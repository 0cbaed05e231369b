// The middle column: the conversation's messages and the composer.

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { Icon } from "../icons";
import type { Key } from "../i18n";
import { linkClick } from "../router";
import { formatTime, useSession } from "../session";
import type { Attachment, CannedReply, Conversation, Message } from "../types";

export function Thread({ conversation, messages, onOlder, onSent }: {
  conversation: Conversation; messages: Message[]; onOlder: (() => void) | null; onSent(m: Message): void;
}) {
  const { t } = useSession();
  const log = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const fromBottom = useRef(0);
  // Stay at the bottom when new messages come, unless the reader scrolled up; earlier messages
  // added above keep what the reader sees where it was.
  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    el.scrollTop = stick.current ? el.scrollHeight : el.scrollHeight - fromBottom.current;
  }, [messages.length, conversation.id]);

  return (
    <section class="thread" aria-label={conversation.contact.name}>
      {conversation.mode === "manager" && conversation.handoff?.reason && (
        <p class="handoff" role="status">{t("handoff", { reason: conversation.handoff.reason })}</p>
      )}
      <ol ref={log} class="messages" aria-live="polite" aria-relevant="additions"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          fromBottom.current = el.scrollHeight - el.scrollTop;
        }}>
        {onOlder && <li class="older"><button type="button" class="link" onClick={onOlder}>{t("olderMessages")}</button></li>}
        {messages.map((m) => <MessageItem key={m.id} conversationId={conversation.id} m={m}
          quoted={m.quoted_message_id ? messages.find((q) => q.id === m.quoted_message_id) : undefined} />)}
      </ol>
      <Composer conversationId={conversation.id} onSent={onSent} />
    </section>
  );
}

function MessageItem({ m, conversationId, quoted }: { m: Message; conversationId: string; quoted: Message | undefined }) {
  const { t, lang } = useSession();
  const note = m.content_type === "note";
  // Avito's own messages (its chatbots, notices) are neither the buyer's nor ours.
  const kind = note ? "note" : m.content_type === "system" ? "system"
    : m.direction === "inbound" ? "in" : m.sender === "agent" ? "ai" : "out";
  const deleted = m.content_type === "deleted";
  return (
    <li class={`msg ${kind}`} data-message={m.id}>
      <div class="meta">
        {kind === "ai" && <span class="tag ai">{t("aiReply")}</span>}
        {note && <span class="tag note">{t("note")}</span>}
        {kind === "system" && <span class="tag">{t("th_system")}</span>}
        {m.historical && <span class="tag">{t("historical")}</span>}
        <time>{formatTime(m.sent_at ?? m.created_at, lang)}</time>
        {m.direction === "outbound" && !note && (
          <span class={`delivery ${m.status}`} data-status={m.status}
            title={m.failure_reason ?? undefined}>{deliveryText(m.status, t)}</span>
        )}
      </div>
      {m.quoted_message_id && <blockquote class="quote">{quoted ? quoted.text || t("file") : t("quotedEarlier")}</blockquote>}
      {deleted && <p class="text muted">{t("th_deleted")}</p>}
      {m.text && !deleted && <p class="text">{m.text}</p>}
      {m.attachments.map((a, i) => <AttachmentView key={i} a={a} m={m} conversationId={conversationId} />)}
    </li>
  );
}

/** A picture that cannot load keeps its box (nothing shifts) but not the broken-image icon. */
export function hideBroken(e: { currentTarget: HTMLImageElement }): void {
  e.currentTarget.style.visibility = "hidden";
}

function deliveryText(status: string, t: ReturnType<typeof useSession>["t"]): string {
  const key = `delivery_${status}` as Key;
  return ["pending", "sent", "failed", "received"].includes(status) ? t(key) : status;
}

function AttachmentView({ a, m, conversationId }: { a: Attachment; m: Message; conversationId: string }) {
  const { t } = useSession();
  if (a.kind === "image" && a.url) {
    return <a href={a.url} target="_blank" rel="noreferrer"><img class="att-img" onError={hideBroken} src={a.url} alt={a.title || t("image")} loading="lazy" width={240} height={180} /></a>;
  }
  if (a.kind === "voice") {
    // The API redirects to a fresh link (Avito's expire in an hour).
    return (
      <figure class="voice">
        <figcaption>{t("voice")}</figcaption>
        <audio controls preload="none" src={`/v1/conversations/${conversationId}/messages/${m.id}/voice`} />
        {a.transcript && <p class="transcript">{a.transcript}</p>}
      </figure>
    );
  }
  switch (a.kind) {
    case "system":  // the Avito bot's id (flow_id): nothing for a manager to read
      return null;
    case "call":
      return <p class="att-note">{a.title === "missed" ? t("th_call_missed") : t("th_call")}</p>;
    case "location":
      return <a class="file" href={a.url || undefined}>{t("th_location")}{a.title ? `: ${a.title}` : ""}</a>;
    case "item":
      return <a class="file" href={a.url || undefined} target="_blank" rel="noreferrer">{t("th_listing")}: {a.title || a.url}</a>;
    case "link":
      return <a class="file" href={a.url || undefined} target="_blank" rel="noreferrer">{a.title || a.url || t("th_link")}</a>;
    case "file": case "video": case "appCall":
      if (!a.url) {
        return <p class="att-note">{t(`th_unsupported_${a.kind}`)} <span class="muted">{t("th_unsupportedHint")}</span></p>;
      }
      break;
  }
  return a.url
    ? <a class="file" href={a.url} target="_blank" rel="noreferrer">{a.title || t("file")}</a>
    : <span class="file">{a.title || t("file")}</span>;
}

function CannedPicker({ conversationId, onText }: { conversationId: string; onText(text: string, missing: string[]): void }) {
  const { t, errorText } = useSession();
  const [replies, setReplies] = useState<CannedReply[]>([]);
  // Asked again on focus: a reply an admin added meanwhile shows without a reload.
  const load = () => {
    api.get<{ items: CannedReply[] }>("/v1/canned-replies").then((r) => setReplies(r.items), () => undefined);
  };
  useEffect(load, []);
  return (
    <>
      <label class="canned">
        <span class="sr-only">{t("cannedReplies")}</span>
        <select value="" onFocus={load} onChange={(e) => {
          const id = e.currentTarget.value;
          if (!id) return;
          api.post<{ text: string; missing: string[] }>(`/v1/conversations/${conversationId}/canned-replies/${id}/render`)
            .then((r) => onText(r.text, r.missing), (err) => onText("", [errorText(err)]));
        }}>
          <option value="">{t("cannedReplies")}</option>
          {replies.map((r) => <option key={r.id} value={r.id}>{r.shortcut ? `/${r.shortcut} ` : ""}{r.title}</option>)}
        </select>
      </label>
      <a class="manage-canned" href="/canned" onClick={(e) => linkClick(e, "/canned")}>{t("manageCanned")}</a>
    </>
  );
}

function Composer({ conversationId, onSent }: { conversationId: string; onSent(m: Message): void }) {
  const { t, errorText } = useSession();
  const [text, setText] = useState("");
  const [note, setNote] = useState(false);
  const [image, setImage] = useState<{ mediaId: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  async function upload(file: File) {
    setBusy(true);
    setError("");
    try {
      const form = new FormData();
      form.append("file", file);
      const out = await api.request<{ media_id: string }>("POST", "/v1/media", { form, timeoutMs: 120_000 });
      setImage({ mediaId: out.media_id, name: file.name });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function send() {
    if (busy || (!text.trim() && (!image || note))) return;
    setBusy(true);
    setError("");
    try {
      const m = note
        ? await api.post<Message>(`/v1/conversations/${conversationId}/notes`, { text: text.trim() })
        : await api.post<Message>(`/v1/conversations/${conversationId}/messages`,
          { text: text.trim(), attachments: image ? [{ kind: "image", media_id: image.mediaId }] : [] },
          { headers: { "Idempotency-Key": crypto.randomUUID() } });
      setText("");
      setImage(null);
      onSent(m);
    } catch (err) {
      setError(errorText(err)); // the text stays: nothing typed is lost
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class={`composer${note ? " note" : ""}`} onSubmit={(e) => { e.preventDefault(); void send(); }}>
      {error && <p class="error" role="alert">{error}</p>}
      {image && (
        <p class="attachment"><Icon name="image" /> {image.name}
          <button type="button" class="link" onClick={() => setImage(null)}>{t("removeAttachment")}</button></p>
      )}
      <label class="sr-only" for="composer-text">{t("composerLabel")}</label>
      <textarea id="composer-text" rows={2} value={text} placeholder={t("composerHint")}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void send();
          }
        }} />
      <div class="composer-actions">
        <CannedPicker conversationId={conversationId} onText={(s, missing) => {
          if (s) setText(s);
          setError(missing.length ? t("cannedMissing", { names: missing.join(", ") }) : "");
        }} />
        <label class="check"><input type="checkbox" checked={note} onChange={(e) => setNote(e.currentTarget.checked)} />
          {t("noteMode")}</label>
        <label class="button secondary">
          <Icon name="clip" /><span class="sr-only">{t("attachImage")}</span>
          <input type="file" accept="image/*" class="sr-only" disabled={busy}
            onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void upload(f); e.currentTarget.value = ""; }} />
        </label>
        <button type="submit" disabled={busy}>{busy ? t("uploading") : note ? t("addNote") : t("send")}</button>
      </div>
    </form>
  );
}
