// The agent's settings at one level: every account's (the tenant's), or one account's, where
// each field shows what applies and whether it is the account's own (with "as for all").

import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, query } from "../api";
import type { Key } from "../i18n";
import { useSession } from "../session";
import { type Field, FormError, type FormValues, type KeyChange, type SettingsView, formValues, isEmpty, patchOf } from "./settings";

const LABELS: Partial<Record<Field, Key>> = {
  temperature: "ag_temperature", silence_window_s: "ag_silence", max_wait_s: "ag_maxWait",
  faq_match_threshold: "ag_threshold", "handoff.low_confidence_limit": "ag_lowConfidence",
  "limits.replies_per_conversation_per_hour": "ag_repliesPerHour", "limits.max_reply_chars": "ag_maxChars",
};
const OUTSIDE = ["HOLD_UNTIL_OPEN", "REPLY_ANYWAY", "HANDOFF"] as const;

export function SettingsForm({ channelId, onSaved }: { channelId: string; onSaved(): void }) {
  const { t, errorText } = useSession();
  const [view, setView] = useState<SettingsView | null>(null);
  const [values, setValues] = useState<FormValues | null>(null);
  const [resets, setResets] = useState<Set<Field>>(new Set());
  const [key, setKey] = useState<KeyChange>({ kind: "keep" });
  const [note, setNote] = useState<{ text: string; bad: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const show = (v: SettingsView) => {
    setView(v);
    setValues(formValues(channelId ? v.effective : v.tenant));
    setResets(new Set());
    setKey({ kind: "keep" });
  };
  useEffect(() => {
    api.get<SettingsView>(`/v1/agent/settings${query({ channel_id: channelId || undefined })}`)
      .then(show, (e) => setNote({ text: errorText(e), bad: true }));
  }, [channelId]);
  if (!view || !values) return <p>{note?.text ?? t("loading")}</p>;
  const shown = formValues(channelId ? view.effective : view.tenant);

  const set = <F extends Field>(field: F, value: FormValues[F]) => {
    setValues({ ...values, [field]: value });
    if (resets.has(field)) setResets(new Set([...resets].filter((f) => f !== field)));
  };
  const save = async (e: Event) => {
    e.preventDefault();
    let patch;
    try {
      patch = patchOf(shown, values, resets, key);
    } catch (err) {
      if (!(err instanceof FormError)) throw err;
      setNote({ text: t("ag_badNumber", { field: t(LABELS[err.field] ?? "aiSettings") }), bad: true });
      return;
    }
    if (isEmpty(patch)) { setNote({ text: t("ag_nothingChanged"), bad: false }); return; }
    setBusy(true);
    setNote(null);
    try {
      show(await api.put<SettingsView>(`/v1/agent/settings${query({ channel_id: channelId || undefined })}`, patch));
      setNote({ text: t("saved"), bad: false });
      onSaved();
    } catch (err) {
      setNote({ text: errorText(err), bad: true });  // the input stays as typed
    } finally {
      setBusy(false);
    }
  };
  // On an account's level: is the field its own (and not about to inherit again)?
  const own = (field: string) => !!channelId && view.overridden_fields.includes(field) && !resets.has(field as Field);
  const origin = (field: Field) => !channelId ? null : resets.has(field)
    ? <span class="muted origin">{t("ag_inherited")}</span>
    : own(field) && <span class="origin"><span class="tag">{t("ag_own")}</span>
      <button type="button" class="link" onClick={() => { setResets(new Set([...resets, field])); setValues({ ...values, [field]: formValues(view.tenant)[field] }); }}>
        {t("ag_inherit")}</button></span>;
  const text = (field: Field, label: Key, attrs: Record<string, unknown> = {}) => (
    <Row origin={origin(field)}>
      <label>{t(label)}<input value={values[field] as string} {...attrs}
        onInput={(e) => set(field, e.currentTarget.value as never)} /></label>
    </Row>
  );
  const check = (field: Field, label: Key) => (
    <Row origin={origin(field)}>
      <label class="check"><input type="checkbox" checked={values[field] as boolean}
        onChange={(e) => set(field, e.currentTarget.checked as never)} />{t(label)}</label>
    </Row>
  );
  const hours = values.business_hours;
  const keySet = view[channelId ? "effective" : "tenant"].api_key_set;
  return (
    <form class="card settings" aria-labelledby="ai-settings" onSubmit={(e) => void save(e)}>
      <h2 id="ai-settings">{t("aiSettings")}</h2>
      <fieldset><legend>{t("ag_sectionAnswers")}</legend>
        {check("enabled", "aiEnabled")}
        <Row origin={origin("instructions")}>
          <label>{t("aiPersona")}<textarea rows={5} maxLength={8000} value={values.instructions}
            onInput={(e) => set("instructions", e.currentTarget.value)} /></label>
        </Row>
        {text("reply_language", "ag_replyLanguage", { maxLength: 16 })}
      </fieldset>
      <fieldset><legend>{t("ag_sectionModel")}</legend>
        <p class="muted">{t("ag_modelHint")}</p>
        {text("base_url", "ag_baseUrl", { type: "url", placeholder: "https://api.openai.com/v1", maxLength: 500 })}
        {text("model", "ag_model", { placeholder: "gpt-4o-mini", maxLength: 200 })}
        <div class="field">
          <label>{t("ag_apiKey")}<input type="password" autoComplete="off" maxLength={500}
            value={key.kind === "set" ? key.key : ""}
            placeholder={keySet ? t("ag_keySet") : t("ag_keyNotSet")}
            onInput={(e) => setKey(e.currentTarget.value ? { kind: "set", key: e.currentTarget.value } : { kind: "keep" })} /></label>
          {key.kind === "clear" ? <p class="muted">{channelId ? t("ag_inherited") : t("ag_keyWillClear")}</p>
            : (channelId ? own("api_key") : keySet) && <span class="origin">
              {channelId && <span class="tag">{t("ag_own")}</span>}
              <button type="button" class="link" onClick={() => setKey({ kind: "clear" })}>
                {channelId ? t("ag_inherit") : t("ag_keyClear")}</button></span>}
        </div>
        {text("temperature", "ag_temperature", { inputMode: "decimal" })}
        {text("embeddings_model", "ag_embeddings", { maxLength: 200 })}
      </fieldset>
      <fieldset><legend>{t("ag_sectionWaiting")}</legend>
        {text("silence_window_s", "ag_silence", { inputMode: "numeric" })}
        {text("max_wait_s", "ag_maxWait", { inputMode: "numeric" })}
        {text("faq_match_threshold", "ag_threshold", { inputMode: "decimal" })}
        {check("human_reply_takes_over", "ag_humanTakes")}
        <Row origin={origin("handoff.keywords")}>
          <label>{t("ag_keywords")}<textarea rows={4} value={values["handoff.keywords"]}
            onInput={(e) => set("handoff.keywords", e.currentTarget.value)} /></label>
        </Row>
        {text("handoff.low_confidence_limit", "ag_lowConfidence", { inputMode: "numeric" })}
        {text("limits.replies_per_conversation_per_hour", "ag_repliesPerHour", { inputMode: "numeric" })}
        {text("limits.max_reply_chars", "ag_maxChars", { inputMode: "numeric" })}
      </fieldset>
      <fieldset><legend>{t("ag_sectionHours")}</legend>
        <Row origin={origin("business_hours")}>
          <label>{t("ag_timeZone")}<input value={hours.time_zone} maxLength={64}
            onInput={(e) => set("business_hours", { ...hours, time_zone: e.currentTarget.value })} /></label>
          {hours.days.map((d) => {
            const day = (patch: Partial<typeof d>) => set("business_hours",
              { ...hours, days: hours.days.map((x) => x.weekday === d.weekday ? { ...x, ...patch } : x) });
            const name = t(`ag_day_${d.weekday}` as Key);
            return (
              <div class="day" key={d.weekday}>
                <label class="check"><input type="checkbox" checked={d.open} onChange={(e) => day({ open: e.currentTarget.checked })} />{name}</label>
                <label>{t("ag_from")}<input type="time" aria-label={`${name} ${t("ag_from")}`} value={d.from} disabled={!d.open}
                  onInput={(e) => day({ from: e.currentTarget.value })} /></label>
                <label>{t("ag_to")}<input type="time" aria-label={`${name} ${t("ag_to")}`} value={d.to} disabled={!d.open}
                  onInput={(e) => day({ to: e.currentTarget.value })} /></label>
              </div>
            );
          })}
          {!hours.days.some((d) => d.open) && <p class="muted">{t("ag_alwaysOpen")}</p>}
        </Row>
        <Row origin={origin("outside_hours")}>
          <label>{t("ag_outside")}<select value={values.outside_hours}
            onChange={(e) => set("outside_hours", e.currentTarget.value as FormValues["outside_hours"])}>
            {OUTSIDE.map((o) => <option key={o} value={o}>{t(`ag_outside_${o}`)}</option>)}
          </select></label>
        </Row>
      </fieldset>
      {note && <p class={note.bad ? "error" : "ok"} role={note.bad ? "alert" : "status"}>{note.text}</p>}
      <button type="submit" disabled={busy}>{busy ? t("loading") : t("save")}</button>
    </form>
  );
}

function Row({ origin, children }: { origin: ComponentChildren; children: ComponentChildren }) {
  return <div class="field">{children}{origin}</div>;
}
