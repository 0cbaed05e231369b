// Questions the agent could not answer (its handoffs for want of an answer, the same text
// grouped): the seller adds an answer in one step — it becomes an FAQ entry the agent answers
// with from then on — or hides the question.

import { useEffect, useRef, useState } from "preact/hooks";
import { api, query } from "../api";
import type { Key } from "../i18n";
import { navigate } from "../router";
import { formatTime, useSession } from "../session";
import { figure } from "./explain";

type State = "open" | "answered" | "dismissed";
const STATES: State[] = ["open", "answered", "dismissed"];

export interface Unanswered {
  id: string;
  question: string;
  asked_count: number;
  last_asked_at: string;
  conversation_id: string | null;
  best_question: string;
  best_score: number;
  best_chunk_id: string | null;
  state: State;
}

interface Page { items: Unanswered[]; page: { next_cursor: string | null } }

/** `onAnswered`: an entry was added to the knowledge base (its list may reload). */
export function UnansweredList({ onAnswered }: { onAnswered(): void }) {
  const { t, errorText } = useSession();
  const [state, setState] = useState<State>("open");
  const [rows, setRows] = useState<Unanswered[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const load = (after: string | null) =>
    api.get<Page>(`/v1/agent/unanswered${query({ state, limit: 20, cursor: after })}`)
      .then((p) => { setRows((r) => (after ? [...r, ...p.items] : p.items)); setCursor(p.page.next_cursor); },
        (e) => setError(errorText(e)));
  useEffect(() => { setError(""); void load(null); }, [state]);
  const resolved = (row: Unanswered, message: string) => {
    setRows((r) => r.filter((x) => x.id !== row.id));
    setDone(message);
  };
  return (
    <section class="card" aria-labelledby="ag-unanswered">
      <h2 id="ag-unanswered">{t("ag_un_title")}</h2>
      <p class="muted">{t("ag_un_hint")}</p>
      <label class="level">{t("ag_un_show")}
        <select value={state} onChange={(e) => { setDone(""); setState(e.currentTarget.value as State); }}>
          {STATES.map((s) => <option key={s} value={s}>{t(`ag_un_state_${s}` as Key)}</option>)}
        </select>
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      {done && <p class="ok" role="status">{done}</p>}
      {rows.length === 0 ? <p class="muted">{t("ag_un_empty")}</p>
        : <ul class="plain unanswered">{rows.map((row) => (
          <Row key={row.id} row={row} onError={setError}
            onAnswered={(q) => { resolved(row, t("ag_un_added", { q })); onAnswered(); }}
            onDismissed={() => resolved(row, t("ag_un_dismissed", { q: row.question }))} />
        ))}</ul>}
      {cursor && <button type="button" class="secondary inline" onClick={() => void load(cursor)}>{t("ag_un_more")}</button>}
    </section>
  );
}

function Row({ row, onAnswered, onDismissed, onError }: {
  row: Unanswered; onAnswered(question: string): void; onDismissed(): void; onError(m: string): void;
}) {
  const { t, lang, errorText } = useSession();
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const act = (path: string, body: unknown, then: () => void) => {
    setBusy(true);
    onError("");
    api.post(`/v1/agent/unanswered/${row.id}/${path}`, body, { timeoutMs: 60_000 })
      .then(then, (e) => onError(errorText(e))).finally(() => setBusy(false));
  };
  return (
    <li data-unanswered={row.question} class="unanswered-row">
      <p><strong>{row.question}</strong>{row.state === "answered" && <span class="tag ok"> {t("ag_un_answeredBadge")}</span>}</p>
      <p class="muted">{t("ag_un_asked", { n: row.asked_count, when: formatTime(row.last_asked_at, lang) })}</p>
      <p class="muted">{row.best_chunk_id
        ? t("ag_un_best", { q: row.best_question, s: figure(row.best_score) }) : t("ag_un_noBest")}</p>
      <div class="row-actions">
        {row.conversation_id && <button type="button" class="link" onClick={() => navigate(`/inbox/${row.conversation_id}`)}>{t("ag_un_conversation")}</button>}
        {row.state !== "answered" && !editing && <button type="button" class="secondary" disabled={busy} onClick={() => setEditing(true)}>{t("ag_un_answer")}</button>}
        {row.state === "open" && !editing && <button type="button" class="secondary" disabled={busy}
          onClick={() => act("dismiss", undefined, onDismissed)}>{t("ag_un_dismiss")}</button>}
      </div>
      {editing && <AnswerForm row={row} busy={busy} onCancel={() => setEditing(false)}
        onSave={(question, answer) => act("answer", { question, answer }, () => onAnswered(question))} />}
    </li>
  );
}

function AnswerForm({ row, busy, onSave, onCancel }: {
  row: Unanswered; busy: boolean; onSave(question: string, answer: string): void; onCancel(): void;
}) {
  const { t } = useSession();
  const [question, setQuestion] = useState(row.question);
  const [answer, setAnswer] = useState("");
  const answerBox = useRef<HTMLTextAreaElement>(null);
  useEffect(() => answerBox.current?.focus(), []);  // the question is there: the answer is next
  return (
    <form class="answer-form" onSubmit={(e) => { e.preventDefault(); onSave(question.trim(), answer.trim()); }}>
      <label>{t("ag_un_question")}
        <input required maxLength={1000} value={question} onInput={(e) => setQuestion(e.currentTarget.value)} /></label>
      <label>{t("ag_un_answerText")}
        <textarea ref={answerBox} rows={3} required maxLength={4000} value={answer} onInput={(e) => setAnswer(e.currentTarget.value)} /></label>
      <div class="row-actions">
        <button type="submit" disabled={busy || !answer.trim()}>{busy ? t("loading") : t("ag_un_save")}</button>
        <button type="button" class="secondary" disabled={busy} onClick={onCancel}>{t("ag_un_cancel")}</button>
      </div>
    </form>
  );
}
