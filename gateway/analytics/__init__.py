"""The analytics domain of the gateway: inbox metrics, reports and analytics settings."""
