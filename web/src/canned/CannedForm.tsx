// Making or editing a canned reply: the variables go in at the caret, and the preview shows
// the text as a sample conversation would get it (what stays empty, what is no variable).

import { useRef, useState } from "preact/hooks";
import { api } from "../api";
import { useSession } from "../session";
import type { CannedReply } from "../types";
import { insertVariable, render, SAMPLE, VARIABLES, variableKey, type Variable } from "./variables";

export function CannedForm({ reply, onSaved, onCancel }: {
  reply: CannedReply | null; onSaved(): void; onCancel(): void;
}) {
  const { t, errorText } = useSession();
  const [form, setForm] = useState({ title: reply?.title ?? "", shortcut: reply?.shortcut ?? "", text: reply?.text ?? "" });
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const preview = render(form.text, SAMPLE);

  function insert(name: Variable) {
    const el = textArea.current;
    const start = el?.selectionStart ?? form.text.length;
    const { text, caret } = insertVariable(form.text, start, el?.selectionEnd ?? start, name);
    if (el) {
      // Written now, so the caret can go after the variable and typing goes on there (the
      // render that follows finds the same text and leaves the caret alone).
      el.value = text;
      el.focus();
      el.setSelectionRange(caret, caret);
    }
    setForm({ ...form, text });
  }

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError("");
    const body = { title: form.title, text: form.text, shortcut: form.shortcut.trim() || null };
    try {
      if (reply) await api.patch(`/v1/canned-replies/${reply.id}`, body);
      else await api.post("/v1/canned-replies", body);
      onSaved();
    } catch (err) {
      setError(errorText(err)); // the form keeps what was typed
    } finally {
      setBusy(false);
    }
  }

  const heading = reply ? t("cannedEdit") : t("cannedNew");
  return (
    <form class="card canned-form" aria-label={heading} onSubmit={(e) => void save(e)}>
      <h2>{heading}</h2>
      <label>{t("cannedTitle")}<input required maxLength={200} value={form.title}
        onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} /></label>
      <label>{t("cannedShortcut")}<input maxLength={33} value={form.shortcut} placeholder="/price"
        onInput={(e) => setForm({ ...form, shortcut: e.currentTarget.value })} /></label>
      <label for="canned-text">{t("cannedText")}</label>
      <textarea id="canned-text" ref={textArea} required rows={4} maxLength={4000} value={form.text}
        onInput={(e) => setForm({ ...form, text: e.currentTarget.value })} />
      <div class="actions" role="group" aria-label={t("cannedInsert")}>
        {VARIABLES.map((v) => (
          <button key={v} type="button" class="secondary small" onClick={() => insert(v)}
            title={`{${v}}`}>+ {t(variableKey(v))}</button>
        ))}
      </div>
      <section class="canned-preview" aria-labelledby="canned-preview">
        <h3 id="canned-preview">{t("cannedPreview")}</h3>
        <p data-testid="canned-preview">{preview.text || "—"}</p>
        {preview.unknown.length > 0 && <p class="error">{t("cannedUnknown", { names: preview.unknown.map((n) => `{${n}}`).join(", ") })}</p>}
        <p class="muted">{t("cannedEmptyNote")}</p>
      </section>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" disabled={busy}>{t("save")}</button>
        {reply && <button type="button" class="secondary" onClick={onCancel}>{t("cannedCancel")}</button>}
      </div>
    </form>
  );
}
