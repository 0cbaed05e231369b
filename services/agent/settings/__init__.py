"""The agent's settings: the tenant level and channel overrides (only the fields set on each),
their validation and merge over the defaults, and the encrypted API key."""
