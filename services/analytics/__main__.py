"""`python -m services.analytics`: the analytics service alone (as in its own pod)."""

from services.analytics.config import AnalyticsSettings
from services.analytics.runtime import build_runtime
from services.kernel.runtime import run_service

if __name__ == "__main__":
    run_service(AnalyticsSettings(), build_runtime)
