"""An OpenAI-compatible LLM over real HTTP whose answers are scripted, for the sandbox and tests.

Not a model: chat replies come from rules set through `/_emulator/rules` (or a default echo),
embeddings are hashed word stems and trigrams, token counts are an approximation.
"""

from __future__ import annotations

from pathlib import Path

import uvicorn
from pydantic import TypeAdapter

from switchboard.emulators.llm.app import create_app
from switchboard.emulators.llm.schemas import RuleSpec
from switchboard.emulators.llm.settings import LlmEmulatorSettings

__all__ = ["LlmEmulatorSettings", "RuleSpec", "create_app", "run"]


def run(host: str = "127.0.0.1", port: int = 8091, api_keys: list[str] | None = None,
        rules_file: Path | None = None) -> None:
    """Serve the emulator until interrupted (`switchboard emulate llm`); `rules_file` is a JSON
    list of rules installed at startup."""
    rules = (TypeAdapter(list[RuleSpec]).validate_json(rules_file.read_bytes())
             if rules_file else [])
    settings = LlmEmulatorSettings(api_keys=api_keys, rules=rules)
    uvicorn.run(create_app(settings), host=host, port=port)
