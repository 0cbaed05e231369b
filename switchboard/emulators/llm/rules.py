"""Scripted answers: rules matched against the conversation, replies rendered from templates.

Placeholders in a reply's content and in string values of its tool-call arguments:
`{last_user}` (the last user message), `{question}` (its first 60 characters, whitespace
collapsed) and `{tool_result:<name>}` (the latest result of tool <name> in the conversation, or
"" if there is none). Anything else in braces is left as is, so JSON in content is safe.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from switchboard.emulators.llm.schemas import ChatRequest, ReplySpec, RuleSpec

PLACEHOLDER = re.compile(r"\{(last_user|question|tool_result:([^{}]+))\}")
QUESTION_CHARS = 60


@dataclass
class Conversation:
    """What rules look at in a chat request."""

    model: str
    last_user: str
    system: str
    tool_results: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, request: ChatRequest) -> Conversation:
        names: dict[str, str] = {}  # tool call id -> tool name, from the assistant's calls
        results: dict[str, str] = {}
        for message in request.messages:
            for call in message.tool_calls or []:
                names[call.id] = call.function.name
            if message.role == "tool":
                name = names.get(message.tool_call_id or "") or message.name
                if name:
                    results[name] = message.text()
        last_user = next((m.text() for m in reversed(request.messages) if m.role == "user"), "")
        system = "\n".join(m.text() for m in request.messages if m.role in ("system", "developer"))
        return cls(request.model, last_user, system, results)

    def render(self, template: str) -> str:
        def substitute(match: re.Match[str]) -> str:
            if match.group(2) is not None:
                return self.tool_results.get(match.group(2).strip(), "")
            if match.group(1) == "question":
                return " ".join(self.last_user.split())[:QUESTION_CHARS]
            return self.last_user

        return PLACEHOLDER.sub(substitute, template)

    def render_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.render(value)
        if isinstance(value, list):
            return [self.render_value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.render_value(item) for key, item in value.items()}
        return value


@dataclass
class Reply:
    content: str | None
    tool_calls: list[tuple[str, str]]  # (name, arguments as a JSON string)
    finish_reason: str | None  # None: "tool_calls" if there are calls, else "stop"
    rule_id: int | None  # None: the default reply


@dataclass
class Rule:
    id: int
    spec: RuleSpec
    remaining: int | None
    used: int = 0

    def matches(self, conv: Conversation) -> bool:
        m = self.spec.match
        checks = (
            m.contains is None or m.contains.casefold() in conv.last_user.casefold(),
            m.regex is None or re.search(m.regex, conv.last_user, re.IGNORECASE) is not None,
            m.system_contains is None or m.system_contains.casefold() in conv.system.casefold(),
            m.has_tool_result is None or m.has_tool_result in conv.tool_results,
            m.model is None or m.model == conv.model,
        )
        return all(checks)

    def snapshot(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.model_dump(), "remaining": self.remaining,
                "used": self.used}


def render_reply(spec: ReplySpec, conv: Conversation, rule_id: int | None) -> Reply:
    content = conv.render(spec.content) if spec.content is not None else None
    calls = [(call.name, json.dumps(conv.render_value(call.arguments), ensure_ascii=False))
             for call in spec.tool_calls]
    return Reply(content, calls, spec.finish_reason, rule_id)


class RuleBook:
    def __init__(self, default_reply: str) -> None:
        self.default = ReplySpec(content=default_reply)
        self._rules: list[Rule] = []
        self._next_id = 1

    def add(self, specs: list[RuleSpec]) -> list[Rule]:
        added = []
        for spec in specs:
            added.append(Rule(self._next_id, spec, spec.times))
            self._next_id += 1
        self._rules.extend(added)
        return added

    def remove(self, rule_id: int) -> bool:
        before = len(self._rules)
        self._rules = [rule for rule in self._rules if rule.id != rule_id]
        return len(self._rules) < before

    def clear(self) -> None:
        self._rules.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        return [rule.snapshot() for rule in self._ordered()]

    def answer(self, conv: Conversation) -> Reply:
        """The reply of the first matching rule (spending one of its uses), else the default."""
        rule = next((rule for rule in self._ordered() if rule.matches(conv)), None)
        if rule is None:
            return render_reply(self.default, conv, None)
        rule.used += 1
        if rule.remaining is not None:
            rule.remaining -= 1
            if rule.remaining == 0:
                self.remove(rule.id)
        return render_reply(rule.spec.reply, conv, rule.id)

    def _ordered(self) -> list[Rule]:
        # sorted() is stable: equal priorities keep insertion order.
        return sorted(self._rules, key=lambda rule: -rule.spec.priority)
