/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// The gateway serves dist/ at "/" (gateway/web.py); `npm run dev` proxies the API to a running
// `switchboard dev` so the page and the API share one origin, as in production.
const gateway = process.env.SWITCHBOARD_GATEWAY_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    target: "es2022",
    sourcemap: false,
    // No inline polyfill: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: Object.fromEntries(["/v1", "/graphql"].map((p) => [p, { target: gateway }])),
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
