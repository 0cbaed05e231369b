"""Per-tenant and per-credential rate limits of the public API (issue #16): token buckets shared
by every gateway replica through PostgreSQL, leased in small batches so a request rarely waits on
the database; GraphQL is charged by the cost of its document, not per request. docs/api.md,
"Rate limits"."""
