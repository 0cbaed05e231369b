import { describe, expect, it } from "vitest";
import { Api, ApiError, CSRF_HEADER, problemMessage, query, readCookie } from "./api";

function recorder(response: Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return response;
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

describe("the API client", () => {
  it("sends the CSRF cookie's value in the header on a state-changing request", async () => {
    const { calls, fetchImpl } = recorder(json(200, { ok: true }));
    const api = new Api(fetchImpl, () => "a=1; sb_csrf=tok%2Bx; b=2");
    await api.post("/v1/conversations/1/read");
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers[CSRF_HEADER]).toBe("tok+x");
  });

  it("sends no CSRF header on a GET", async () => {
    const { calls, fetchImpl } = recorder(json(200, {}));
    await new Api(fetchImpl, () => "sb_csrf=t").get("/v1/auth/me");
    expect((calls[0]!.init.headers as Record<string, string>)[CSRF_HEADER]).toBeUndefined();
  });

  it("turns a problem+json answer into an error with its detail", async () => {
    const { fetchImpl } = recorder(json(422, { title: "Unprocessable Entity", status: 422,
      detail: "Avito refused the client id or secret: check them" }, "application/problem+json"));
    const err = await new Api(fetchImpl, () => "").post("/v1/channels/avito", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((err as ApiError).message).toBe("Avito refused the client id or secret: check them");
  });

  it("names each invalid field of a validation problem without a detail", () => {
    expect(problemMessage(422, { errors: [{ loc: ["body", "email"], msg: "not an email" }] }))
      .toBe("email: not an email");
    expect(problemMessage(502, "<html>")).toBe("HTTP 502");
  });

  it("reports a network failure as such", async () => {
    const fetchImpl = (async () => { throw new TypeError("Failed to fetch"); }) as unknown as typeof fetch;
    const err = await new Api(fetchImpl, () => "").get("/v1/x").catch((e: unknown) => e);
    expect((err as ApiError).status).toBe(0);
    expect((err as ApiError).message).toBe("network");
  });

  it("reads cookies and builds queries from what is set", () => {
    expect(readCookie("x=1; sb_csrf=abc", "sb_csrf")).toBe("abc");
    expect(readCookie("x=1", "sb_csrf")).toBe("");
    expect(query({ mode: "bot", channel: "", unread: false, limit: 50, cursor: null })).toBe("?mode=bot&limit=50");
  });
});
