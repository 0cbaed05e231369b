"""Who may call: tenants, users, browser sessions and API keys (schema "identity"), the rules
that create and check them, and their REST routes (`/v1/auth`, `/v1/api-keys`)."""
