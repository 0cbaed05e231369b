"""`python -m services.channels`: the channels service alone (as in its own pod)."""

from services.channels.config import ChannelsSettings
from services.channels.runtime import build_runtime
from services.kernel.runtime import run_service

if __name__ == "__main__":
    run_service(ChannelsSettings(), build_runtime)
