"""`python -m services.integrations`: the integrations service alone (as in its own pod)."""

from services.integrations.config import IntegrationsSettings
from services.integrations.runtime import build_runtime
from services.kernel.runtime import run_service

if __name__ == "__main__":
    run_service(IntegrationsSettings(), build_runtime)
