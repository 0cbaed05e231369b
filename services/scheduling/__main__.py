"""`python -m services.scheduling`: the scheduling service alone (as in its own pod)."""

from services.kernel.runtime import run_service
from services.scheduling.config import SchedulingSettings
from services.scheduling.runtime import build_runtime

if __name__ == "__main__":
    run_service(SchedulingSettings(), build_runtime)
