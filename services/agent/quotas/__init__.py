"""The plan's quotas the agent enforces: AI replies per calendar month (UTC) and the bytes of
text its uploaded knowledge holds (docs/api.md, "Plans and quotas"), and what it reports of
them (QuotaUsageService)."""
