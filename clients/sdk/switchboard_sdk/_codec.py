"""JSON <-> the SDK's dataclasses, forward compatible.

Decoding takes what a dataclass declares from GraphQL's camelCase or REST's snake_case keys and
ignores the rest (a newer server may send more); an enum value the SDK does not know yet
becomes a member of its own instead of an error (`OpenEnum`). Encoding turns input dataclasses
into GraphQL input objects, leaving out what was not given.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

from switchboard_sdk.errors import ProtocolError, snake

T = TypeVar("T")


class OpenEnum(enum.StrEnum):
    """A string enum that accepts values it does not list (a newer server's), in either case."""

    @classmethod
    def _missing_(cls, value: object) -> OpenEnum:
        text = str(value)
        for member in cls:
            if member.value.lower() == text.lower():
                return member
        pseudo = str.__new__(cls, text)
        pseudo._name_, pseudo._value_ = text.upper(), text
        return pseudo


class Unset(enum.Enum):
    """The type of `UNSET`: an argument not given, where None means "clear it"."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: typing.Final = Unset.UNSET


def decode(cls: type[T], data: Any) -> T:
    """An instance of the dataclass `cls` from a JSON object."""
    if not isinstance(data, Mapping):
        raise ProtocolError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
    given = {snake(str(key)): value for key, value in data.items()}
    hints = _hints(cast(type, cls))
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cast(Any, cls)):
        if field.name in given:
            values[field.name] = _convert(hints[field.name], given[field.name], field.name)
    try:
        return cls(**values)
    except TypeError as exc:  # a required field missing: not the API this SDK knows
        raise ProtocolError(f"{cls.__name__} in the answer is incomplete: {exc}") from None


def decode_list(cls: type[T], data: Any) -> list[T]:
    if not isinstance(data, list):
        raise ProtocolError(f"expected a list of {cls.__name__}")
    return [decode(cls, item) for item in data]


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(hint: Any, value: Any, name: str) -> Any:
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in args if arg is not type(None)]
        return _convert(inner[0], value, name) if len(inner) == 1 else value
    if origin is list:
        if not isinstance(value, list):
            raise ProtocolError(f"{name}: expected a list")
        return [_convert(args[0], item, name) for item in value]
    if dataclasses.is_dataclass(hint):
        return decode(cast(type, hint), value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if hint is datetime:
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            raise ProtocolError(f"{name}: {value!r} is not a date and time") from None
    if hint is float and isinstance(value, int | float):
        return float(value)
    if hint is int and isinstance(value, float) and value.is_integer():
        return int(value)  # GraphQL Floats that hold counts (sizeBytes)
    return value


def encode(value: Any) -> Any:
    """A GraphQL input value: dataclasses as camelCase objects without their None/UNSET fields,
    enums by value, datetimes in ISO form."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_camel(field.name): encode(item) for field in dataclasses.fields(value)
                if (item := getattr(value, field.name)) is not None and item is not UNSET}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def camel_keys(values: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments as GraphQL variables, UNSET ones left out (None stays: it clears)."""
    return {_camel(key): encode(value) for key, value in values.items() if value is not UNSET}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
