"""The plan's quota conversations enforces: messages stored per calendar month (UTC), in and
out (docs/api.md, "Plans and quotas"), and what it reports of it (QuotaUsageService)."""
