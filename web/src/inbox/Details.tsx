// The right column: the listing, the buyer, the account, and what a manager changes.

import { useState } from "preact/hooks";
import { api } from "../api";
import { formatPrice, formatTime, useSession } from "../session";
import type { Channel, Conversation, User } from "../types";
import { hideBroken } from "./Thread";

type Patch = Partial<Pick<Conversation, "mode" | "status" | "pinned" | "labels" | "assignee_user_id" | "snoozed_until">>;

/** Tomorrow at 09:00 local time, as a datetime-local value: the usual snooze. */
function tomorrowMorning(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T09:00`;
}

export function Details({ conversation: c, channel, users, onChanged }: {
  conversation: Conversation; channel: Channel | undefined; users: User[]; onChanged(c: Conversation): void;
}) {
  const { t, lang, errorText } = useSession();
  const [error, setError] = useState("");
  const [label, setLabel] = useState("");
  const [until, setUntil] = useState(tomorrowMorning);

  async function patch(body: Patch) {
    setError("");
    try {
      onChanged(await api.patch<Conversation>(`/v1/conversations/${c.id}`, body));
    } catch (err) {
      setError(errorText(err));
    }
  }

  const price = formatPrice(c.listing?.price_minor, lang);
  return (
    <aside class="details" aria-label={t("details")}>
      {error && <p class="error" role="alert">{error}</p>}
      {c.listing && (
        <section class="card listing">
          <h2>{t("listing")}</h2>
          {c.listing.image_url && <img src={c.listing.image_url} onError={hideBroken} alt="" width={240} height={180} />}
          <p class="title">{c.listing.title}</p>
          <p class="price">{price ?? t("priceUnknown")}</p>
          {c.listing.url && <a href={c.listing.url} target="_blank" rel="noreferrer">{t("openListing")}</a>}
        </section>
      )}
      <section class="card">
        <h2>{t("buyer")}</h2>
        <p>{c.contact.name || c.contact.external_user_id}</p>
        {c.contact.phone && <p>{c.contact.phone}</p>}
        <h2>{t("channelAccount")}</h2>
        <p>{channel?.name ?? c.channel}</p>
      </section>
      <section class="card">
        <fieldset class="segmented">
          <legend>{t("modeLabel")}</legend>
          {(["bot", "manager"] as const).map((mode) => (
            <label key={mode}>
              <input type="radio" name="mode" value={mode} checked={c.mode === mode}
                onChange={() => void patch({ mode })} />
              {t(mode === "bot" ? "modeBot" : "modeManager")}
            </label>
          ))}
        </fieldset>
        <label>{t("assignee")}
          <select value={c.assignee_user_id ?? ""}
            onChange={(e) => void patch({ assignee_user_id: e.currentTarget.value || null })}>
            <option value="">{t("unassigned")}</option>
            {users.map((u) => <option key={u.id} value={u.id}>{u.name || u.email}</option>)}
          </select>
        </label>
        <p>{t("statusLabel")}: <b>{t(`status_${c.status}`)}</b>
          {c.status === "snoozed" && c.snoozed_until && <> · {t("snoozedUntil", { time: formatTime(c.snoozed_until, lang) })}</>}</p>
        <div class="actions">
          {c.status === "resolved"
            ? <button type="button" onClick={() => void patch({ status: "open" })}>{t("reopen")}</button>
            : <button type="button" onClick={() => void patch({ status: "resolved" })}>{t("resolve")}</button>}
          <button type="button" class="secondary" aria-pressed={c.pinned}
            onClick={() => void patch({ pinned: !c.pinned })}>{c.pinned ? t("unpin") : t("pin")}</button>
        </div>
        <form class="snooze" onSubmit={(e) => {
          e.preventDefault();
          void patch({ status: "snoozed", snoozed_until: new Date(until).toISOString() });
        }}>
          <label>{t("snooze")}
            <input type="datetime-local" required value={until} onInput={(e) => setUntil(e.currentTarget.value)} /></label>
          <button type="submit" class="secondary">{t("snooze")}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t("labels")}</h2>
        <ul class="labels">
          {c.labels.map((l) => (
            <li key={l}>{l}
              <button type="button" class="link" aria-label={t("removeLabel", { label: l })}
                onClick={() => void patch({ labels: c.labels.filter((x) => x !== l) })}>×</button></li>
          ))}
        </ul>
        <form onSubmit={(e) => {
          e.preventDefault();
          const v = label.trim();
          if (v && !c.labels.includes(v)) void patch({ labels: [...c.labels, v] });
          setLabel("");
        }}>
          <label class="sr-only" for="new-label">{t("addLabel")}</label>
          <input id="new-label" value={label} maxLength={64} placeholder={t("addLabel")}
            onInput={(e) => setLabel(e.currentTarget.value)} />
        </form>
      </section>
    </aside>
  );
}
