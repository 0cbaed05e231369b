"""Text that can be stored: PostgreSQL's `text` holds no NUL character and UTF-8 no unpaired
surrogate, so such a value is the caller's mistake (INVALID_ARGUMENT, a 422 at the edge), not a
database error (an INTERNAL, a 5xx). Checked once for every RPC (`interceptors`) and by the
gateway for what it stores itself or cannot put in a protobuf message."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.kernel.errors import InvalidArgument

_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored, or None when it can."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000), which cannot be stored"
    if _SURROGATE.search(value):
        return "contains an unpaired surrogate (\\ud800-\\udfff), which is not valid Unicode"
    return None


def check_text(value: str, what: str) -> str:
    """`value` itself, or InvalidArgument naming `what`."""
    problem = text_problem(value)
    if problem is not None:
        raise InvalidArgument(f"{what} {problem}")
    return value


def json_text_problem(value: Any, root: str = "") -> str | None:
    """Where a JSON value (a parsed body, GraphQL variables) holds text that cannot be stored,
    and why ("payload.value.content.text contains a NUL ..."), or None. Iterative: JSON nests
    as deep as its parser allowed."""
    stack: list[tuple[str, Any]] = [(root, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if (problem := text_problem(item)) is not None:
                return f"{path or 'the value'} {problem}"
        elif isinstance(item, dict):
            for key, inner in item.items():
                where = f"{path}.{key}" if path else str(key)
                if (problem := text_problem(str(key))) is not None:
                    return f"a key in {path or 'the value'} {problem}"
                stack.append((where, inner))
        elif isinstance(item, list):
            stack.extend((f"{path}[{index}]", inner) for index, inner in enumerate(item))
    return None


def check_message_text(message: Message) -> None:
    """InvalidArgument naming the first string field of `message` (nested messages, repeated
    fields and maps included) whose value cannot be stored."""
    for path, value in _strings(message, ""):
        check_text(value, path)


def _strings(message: Message, prefix: str) -> Iterator[tuple[str, str]]:
    for field, value in message.ListFields():
        path = f"{prefix}{field.name}"
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            yield from _map_strings(field, value, path)
        elif field.is_repeated:
            for index, item in enumerate(value):
                yield from _value_strings(field, item, f"{path}[{index}]")
        else:
            yield from _value_strings(field, value, path)


def _map_strings(field: FieldDescriptor, entries: Any, path: str) -> Iterator[tuple[str, str]]:
    value_field = field.message_type.fields_by_name["value"]
    for key, item in entries.items():
        if isinstance(key, str):
            yield f"{path} key", key
        yield from _value_strings(value_field, item, f"{path}[{key!r}]")


def _value_strings(field: FieldDescriptor, value: Any, path: str) -> Iterator[tuple[str, str]]:
    if field.type == FieldDescriptor.TYPE_STRING:
        yield path, value
    elif field.type == FieldDescriptor.TYPE_MESSAGE:
        yield from _strings(value, f"{path}.")
