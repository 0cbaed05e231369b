"""The Avito statistics cache: refreshed from channels (AvitoStatisticsService), read by reports."""
