"""The tenant's plan and its quotas' usage (issue #16): REST `GET /v1/plan`, GraphQL `plan`.
Each enforcing service reports its own quotas (QuotaUsageService); this domain adds them up."""
