"""The plan's quota channels enforces: connected channel accounts (docs/api.md, "Plans and
quotas"), and what it reports of it (QuotaUsageService)."""
