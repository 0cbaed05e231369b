// The REST client: same-origin fetch with the session cookie, the CSRF header on every
// state-changing request, a timeout, and problem+json errors turned into one readable message.

export const CSRF_COOKIE = "sb_csrf";
export const CSRF_HEADER = "X-CSRF-Token";
const TIMEOUT_MS = 20_000;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problem: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The value of a cookie readable by scripts (sb_csrf), or "" when absent. */
export function readCookie(cookies: string, name: string): string {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

/** A problem+json body as one sentence: its detail, or each invalid field with its reason. */
export function problemMessage(status: number, body: unknown): string {
  if (body && typeof body === "object") {
    const p = body as { detail?: unknown; title?: unknown; errors?: unknown };
    if (Array.isArray(p.errors) && p.errors.length && typeof p.detail !== "string") {
      return p.errors
        .map((e: { loc?: unknown[]; msg?: string }) =>
          `${(e.loc ?? []).filter((l) => l !== "body").join(".")}: ${e.msg ?? ""}`)
        .join("; ");
    }
    if (typeof p.detail === "string" && p.detail) return p.detail;
    if (typeof p.title === "string" && p.title) return p.title;
  }
  return `HTTP ${status}`;
}

export interface RequestOptions {
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type Fetch = typeof fetch;

export class Api {
  constructor(
    private readonly fetchImpl: Fetch = (...a) => fetch(...a),
    private readonly cookies: () => string = () => document.cookie,
  ) {}

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    if (UNSAFE.has(method)) {
      const token = readCookie(this.cookies(), CSRF_COOKIE);
      if (token) headers[CSRF_HEADER] = token;
    }
    let body: BodyInit | undefined;
    if (opts.form) body = opts.form;
    else if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.fetchImpl(path, { method, headers, body, signal, credentials: "same-origin" });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      throw new ApiError(0, timeout.aborted ? "timeout" : "network");
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, problemMessage(response.status, data),
        data && typeof data === "object" ? (data as Record<string, unknown>) : null);
    }
    return data as T;
  }

  get<T>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>("GET", path, opts);
  }
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>("POST", path, { ...opts, body });
  }
  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("PUT", path, { body });
  }
  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body });
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }
}

export const api = new Api();

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "" && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** A multipart upload that reports progress (fetch cannot): XMLHttpRequest, the same CSRF
 * header and error messages as `Api`. */
export function uploadWithProgress<T>(path: string, form: FormData, onProgress: (fraction: number) => void,
  timeoutMs = 15 * 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.timeout = timeoutMs;
    xhr.setRequestHeader("Accept", "application/json");
    const token = readCookie(document.cookie, CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, "network"));
    xhr.ontimeout = () => reject(new ApiError(0, "timeout"));
    xhr.onload = () => {
      let data: unknown = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as T);
      else reject(new ApiError(xhr.status, problemMessage(xhr.status, data)));
    };
    xhr.send(form);
  });
}
