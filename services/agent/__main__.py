"""`python -m services.agent`: the agent service alone (as in its own pod)."""

from services.agent.config import AgentSettings
from services.agent.runtime import build_runtime
from services.kernel.runtime import run_service

if __name__ == "__main__":
    run_service(AgentSettings(), build_runtime)
