"""Avito statistics of an account, fetched for the analytics service (AvitoStatisticsService)."""
