// The right column: the listing, the buyer, the account, and what a manager changes.

import { useState } from "preact/hooks";
import { api } from "../api";
import { formatPrice, useSession } from "../session";
import type { Channel, Conversation } from "../types";
import { hideBroken } from "./Thread";

export function Details({ conversation: c, channel, onChanged }: {
  conversation: Conversation; channel: Channel | undefined; onChanged(c: Conversation): void;
}) {
  const { t, lang, errorText } = useSession();
  const [error, setError] = useState("");
  const [label, setLabel] = useState("");

  async function patch(body: Partial<Pick<Conversation, "mode" | "status" | "pinned" | "labels">>) {
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
        <p>{t("statusLabel")}: <b>{t(`status_${c.status}`)}</b></p>
        <div class="actions">
          {c.status === "resolved"
            ? <button type="button" onClick={() => void patch({ status: "open" })}>{t("reopen")}</button>
            : <button type="button" onClick={() => void patch({ status: "resolved" })}>{t("resolve")}</button>}
          <button type="button" class="secondary" aria-pressed={c.pinned}
            onClick={() => void patch({ pinned: !c.pinned })}>{c.pinned ? t("unpin") : t("pin")}</button>
        </div>
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
