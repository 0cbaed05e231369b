"""The components `switchboard serve` knows (kept import-free so the CLI starts fast)."""

SERVICES = ("conversations", "channels", "agent")
COMPONENTS = ("gateway", *SERVICES)
