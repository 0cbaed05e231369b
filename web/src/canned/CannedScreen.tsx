// Canned replies: the tenant's saved answers with variables. Owners and admins make, edit and
// delete them (the API's `admin` scope); everyone sees them and uses them in the composer.

import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useSession } from "../session";
import type { CannedReply } from "../types";
import { CannedForm } from "./CannedForm";

export function CannedScreen() {
  const { t, errorText, me } = useSession();
  const [replies, setReplies] = useState<CannedReply[] | null>(null);
  const [editing, setEditing] = useState<CannedReply | null>(null);
  const [saves, setSaves] = useState(0);  // a saved form starts empty again
  const [error, setError] = useState("");
  const manager = me.scopes.includes("admin");

  const load = () => api.get<{ items: CannedReply[] }>("/v1/canned-replies")
    .then((r) => setReplies(r.items), (e) => setError(errorText(e)));
  useEffect(() => { void load(); }, []);

  async function remove(reply: CannedReply) {
    setError("");
    try {
      await api.request("DELETE", `/v1/canned-replies/${reply.id}`);
      if (editing?.id === reply.id) setEditing(null);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <div class="page">
      <h1>{t("cannedReplies")}</h1>
      {!manager && <p class="muted">{t("cannedReadOnly")}</p>}
      {manager && (
        <CannedForm key={`${editing?.id ?? "new"}-${saves}`} reply={editing}
          onSaved={() => { setEditing(null); setSaves((n) => n + 1); void load(); }}
          onCancel={() => setEditing(null)} />
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {replies === null ? <p>{t("loading")}</p> : !replies.length ? <p>{t("cannedNone")}</p> : (
        <ul class="canned-list">
          {replies.map((r) => (
            <li key={r.id} class="card" data-canned={r.title}>
              <h2>{r.title}{r.shortcut && <span class="tag">/{r.shortcut}</span>}</h2>
              <p class="canned-text">{r.text}</p>
              {manager && (
                <div class="actions">
                  <button type="button" class="secondary" onClick={() => setEditing(r)}
                    aria-label={t("cannedEditOne", { title: r.title })}>{t("cannedEditBtn")}</button>
                  <DeleteButton title={r.title} onConfirm={() => void remove(r)} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Deleting asks once more in place (no dialog): the second button confirms. */
function DeleteButton({ title, onConfirm }: { title: string; onConfirm(): void }) {
  const { t } = useSession();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return <button type="button" class="secondary" aria-label={t("cannedDeleteOne", { title })}
      onClick={() => setAsking(true)}>{t("cannedDeleteBtn")}</button>;
  }
  return (
    <>
      <button type="button" class="danger" autoFocus onClick={onConfirm}>{t("cannedConfirmDelete")}</button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>{t("cannedCancel")}</button>
    </>
  );
}
