// Making or changing an endpoint: URL, description, the events (none ticked: all). The form's
// own checks name the field; the API's refusal (a private address, an unknown event) is said in
// the interface's words; what was typed stays.

import { useState } from "preact/hooks";
import { api } from "../api";
import { toggle } from "../reports/scheduleForm";
import { useSession } from "../session";
import type { WebhookEndpoint, WebhookEndpointWithSecret } from "../types";
import { check, createBody, draftOf, EVENT_TYPES, MAX_DESCRIPTION, MAX_URL, patchOf, type Problem } from "./form";
import { eventName, explainError } from "./wording";

export function EndpointForm({ endpoint, onSaved, onCancel }: {
  endpoint: WebhookEndpoint | null;
  onSaved(e: WebhookEndpoint | WebhookEndpointWithSecret): void;
  onCancel(): void;
}) {
  const { t, errorText } = useSession();
  const [draft, setDraft] = useState(() => draftOf(endpoint));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const id = endpoint?.id ?? "new";
  const heading = endpoint ? t("whEditTitle", { url: endpoint.url }) : t("whNewTitle");
  const problem = (field: Problem["field"]) => problems.find((p) => p.field === field);

  async function save(e: Event) {
    e.preventDefault();
    setError("");
    const found = check(draft);
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    try {
      if (!endpoint) onSaved(await api.post<WebhookEndpointWithSecret>("/v1/webhooks/endpoints", createBody(draft)));
      else {
        const patch = patchOf(endpoint, draft);
        onSaved(Object.keys(patch).length ? await api.patch<WebhookEndpoint>(`/v1/webhooks/endpoints/${endpoint.id}`, patch) : endpoint);
      }
    } catch (err) {
      setError(explainError(err, t, errorText)); // the form keeps what was typed
    } finally {
      setBusy(false);
    }
  }

  const urlProblem = problem("url");
  const descriptionProblem = problem("description");
  return (
    <form class="card endpoint-form" aria-label={heading} noValidate onSubmit={(e) => void save(e)}>
      <h2>{heading}</h2>
      <label>{t("whUrl")}
        <input type="url" required maxLength={MAX_URL} value={draft.url} placeholder="https://crm.example.com/switchboard"
          aria-invalid={urlProblem ? true : undefined} aria-describedby={urlProblem ? `${id}-url-problem` : undefined}
          onInput={(e) => setDraft({ ...draft, url: e.currentTarget.value })} /></label>
      {urlProblem && <p class="error" id={`${id}-url-problem`}>{t(urlProblem.key, urlProblem.vars)}</p>}
      <label>{t("whDescription")}
        <input maxLength={MAX_DESCRIPTION} value={draft.description}
          aria-invalid={descriptionProblem ? true : undefined}
          aria-describedby={descriptionProblem ? `${id}-description-problem` : undefined}
          onInput={(e) => setDraft({ ...draft, description: e.currentTarget.value })} /></label>
      {descriptionProblem && <p class="error" id={`${id}-description-problem`}>{t(descriptionProblem.key, descriptionProblem.vars)}</p>}
      <fieldset class="choices">
        <legend>{t("whEvents")}</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type} class="check">
            <input type="checkbox" checked={draft.eventTypes.includes(type)}
              onChange={(e) => setDraft({ ...draft, eventTypes: toggle(draft.eventTypes, type, e.currentTarget.checked) })} />
            {eventName(type, t)} <code>{type}</code>
          </label>
        ))}
        <p class="muted hint">{t("whNoneMeansAll")}</p>
      </fieldset>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" disabled={busy}>{endpoint ? t("whSave") : t("whCreate")}</button>
        <button type="button" class="secondary" onClick={onCancel}>{t("whCancel")}</button>
      </div>
    </form>
  );
}
