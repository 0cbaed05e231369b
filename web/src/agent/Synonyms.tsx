// The seller's synonyms: groups of words that mean the same in this shop («симка, сим-карта,
// sim»). The agent's next search uses a group as it does its built-in thesaurus, so a question
// it could not answer for want of the shop's own word is answered once the group is added.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Key } from "../i18n";
import { useSession } from "../session";
import { type SynonymGroup, groupText, parseGroup } from "./synonymGroups";

const URL = "/v1/agent/knowledge/synonyms";

export function Synonyms() {
  const { t, errorText } = useSession();
  const [groups, setGroups] = useState<SynonymGroup[]>([]);
  const [error, setError] = useState("");
  const load = () => api.get<{ items: SynonymGroup[] }>(URL)
    .then((r) => setGroups(r.items), (e) => setError(errorText(e)));
  useEffect(() => { void load(); }, []);

  /** Checks the text, sends it (a new group, or group `id`); true when saved. */
  async function save(text: string, id?: string): Promise<boolean> {
    const parsed = parseGroup(text);
    if ("problem" in parsed) {
      setError(t(`ag_syn_${parsed.problem}` as Key, { word: parsed.word ?? "" }));
      return false;
    }
    setError("");
    try {
      if (id) await api.put(`${URL}/${id}`, { words: parsed.words });
      else await api.post(URL, { words: parsed.words });
      await load();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  }

  const remove = (id: string) => {
    setError("");
    api.delete(`${URL}/${id}`).then(load, (e) => setError(errorText(e)));
  };

  return (
    <section class="card" aria-labelledby="ag-synonyms">
      <h2 id="ag-synonyms">{t("ag_syn_title")}</h2>
      <p class="muted">{t("ag_syn_hint")}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {groups.length === 0 ? <p class="muted">{t("ag_syn_empty")}</p>
        : <ul class="plain synonyms">{groups.map((g) => (
          <GroupRow key={g.id} group={g} onSave={(text) => save(text, g.id)} onDelete={() => remove(g.id)} />
        ))}</ul>}
      <GroupForm label={t("ag_syn_new")} submit={t("ag_syn_add")} initial="" onSave={save} />
    </section>
  );
}

function GroupRow({ group, onSave, onDelete }: {
  group: SynonymGroup; onSave(text: string): Promise<boolean>; onDelete(): void;
}) {
  const { t } = useSession();
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <li data-synonyms={groupText(group)}>
        <GroupForm label={t("ag_syn_edit")} submit={t("ag_syn_save")} initial={groupText(group)}
          onSave={async (text) => { const ok = await onSave(text); if (ok) setEditing(false); return ok; }}
          onCancel={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li data-synonyms={groupText(group)} class="row-actions">
      <span>{groupText(group)}</span>
      <button type="button" class="secondary" onClick={() => setEditing(true)}>{t("ag_syn_edit")}</button>
      <button type="button" class="secondary" onClick={onDelete}>{t("ag_syn_delete")}</button>
    </li>
  );
}

function GroupForm({ label, submit, initial, onSave, onCancel }: {
  label: string; submit: string; initial: string; onSave(text: string): Promise<boolean>; onCancel?(): void;
}) {
  const { t } = useSession();
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  return (
    <form class="answer-form" onSubmit={(e) => {
      e.preventDefault();
      setBusy(true);
      void onSave(text).then((ok) => { if (ok && !onCancel) setText(""); }).finally(() => setBusy(false));
    }}>
      <label>{label}
        <input value={text} placeholder={t("ag_syn_placeholder")} maxLength={1500}
          onInput={(e) => setText(e.currentTarget.value)} /></label>
      <div class="row-actions">
        <button type="submit" disabled={busy || !text.trim()}>{busy ? t("loading") : submit}</button>
        {onCancel && <button type="button" class="secondary" disabled={busy} onClick={onCancel}>{t("ag_un_cancel")}</button>}
      </div>
    </form>
  );
}
