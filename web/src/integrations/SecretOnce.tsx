// A signing secret, shown the one time the API gives it (create, rotate): a copy button and a
// plain note that it will not be shown again. Focus comes here so the note is read at once.

import { useEffect, useRef, useState } from "preact/hooks";
import { formatTime, useSession } from "../session";

export interface Secret {
  endpointId: string;
  secret: string;
  oldUntil: string | null; // a rotation that keeps the old secret: until when it still signs
}

export function SecretOnce({ secret, url, onDone }: { secret: Secret; url: string; onDone(): void }) {
  const { t, lang } = useSession();
  const [copied, setCopied] = useState<"" | "ok" | "failed">("");
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => { field.current?.focus(); field.current?.select(); }, [secret.secret]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret.secret);
      setCopied("ok");
    } catch {
      field.current?.select(); // no clipboard (an insecure origin, a refusal): selected to copy by hand
      setCopied("failed");
    }
  }

  const id = `secret-${secret.endpointId}`;
  return (
    <section class="secret-once" aria-labelledby={id}>
      <h3 id={id}>{t("whSecretTitle")}</h3>
      <label>{t("whSecretFor", { url })}
        <input ref={field} readOnly value={secret.secret} class="secret" data-testid="webhook-secret"
          aria-describedby={`${id}-note`} onFocus={(e) => e.currentTarget.select()} /></label>
      <p id={`${id}-note`}><b>{t("whSecretOnce")}</b></p>
      {secret.oldUntil && <p>{t("whSecretOldUntil", { time: formatTime(secret.oldUntil, lang) })}</p>}
      <div class="actions">
        <button type="button" onClick={() => void copy()}>{t("whCopy")}</button>
        <button type="button" class="secondary" onClick={onDone}>{t("whSecretDone")}</button>
        <span role="status" class={copied === "failed" ? "error" : "ok"}>
          {copied === "ok" ? t("whCopied") : copied === "failed" ? t("whCopyFailed") : ""}
        </span>
      </div>
    </section>
  );
}
