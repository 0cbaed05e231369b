"""`python -m services.conversations`: the conversations service alone (as in its own pod)."""

from services.conversations.config import ConversationsSettings
from services.conversations.runtime import build_runtime
from services.kernel.runtime import run_service

if __name__ == "__main__":
    run_service(ConversationsSettings(), build_runtime)
