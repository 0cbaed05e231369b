"""The agent's settings as the rules see them: defaults, per-field validation, and the merge of
levels (defaults <- tenant <- channel override).

A level stores only the fields set on it, keyed by field path ("limits.max_reply_chars"), as
plain JSON values; `Settings` is the merged, typed result the pipeline reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.agent.settings.endpoint import NOT_PUBLIC
from services.kernel.errors import InvalidArgument
from services.kernel.urls import UrlRefused
from services.kernel.urls import parse as parse_url


class OutsideHours(StrEnum):
    HOLD_UNTIL_OPEN = "HOLD_UNTIL_OPEN"
    REPLY_ANYWAY = "REPLY_ANYWAY"
    HANDOFF = "HANDOFF"


# Words buyers use to ask for a human; matched tolerant of endings ("оператора", "живого").
DEFAULT_KEYWORDS = ("оператор", "менеджер", "человек", "живой", "сотрудник", "консультант",
                    "администратор")
# The confidence (0..1, probability-like: knowledge/confidence.py) from which the best FAQ entry
# answers a question. 0.7 on the tuning part of the three shops' set: precision 0.95, recall 0.81,
# handoff correctness 0.88 (docs/agent.md, "Retrieval quality").
DEFAULT_FAQ_THRESHOLD = 0.7
# Avito splits longer texts itself, but a reply that needs splitting is too long for a chat.
DEFAULT_MAX_REPLY_CHARS = 1000

DEFAULTS: dict[str, Any] = {
    "enabled": False,
    "instructions": "",
    "model": "",
    "base_url": "",
    "temperature": 0.3,
    "reply_language": "ru",
    "business_hours": {"time_zone": "Europe/Moscow", "days": []},
    "outside_hours": OutsideHours.HOLD_UNTIL_OPEN.value,
    "handoff.keywords": list(DEFAULT_KEYWORDS),
    "handoff.low_confidence_limit": 2,
    "limits.replies_per_conversation_per_hour": 6,
    "limits.max_reply_chars": DEFAULT_MAX_REPLY_CHARS,
    "limits.context_messages": 20,
    "limits.max_prompt_tokens": 3000,
    "embeddings_model": "",
    "faq_match_threshold": DEFAULT_FAQ_THRESHOLD,
    "silence_window_s": 20,
    "max_wait_s": 300,
    "human_reply_takes_over": True,
}
API_KEY = "api_key"
FIELD_PATHS = frozenset({*DEFAULTS, API_KEY})
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


@dataclass(frozen=True)
class DayHours:
    weekday: int  # 1 = Monday ... 7 = Sunday (ISO)
    open_minute: int
    close_minute: int  # 1440 = midnight at the end of the day


@dataclass(frozen=True)
class Settings:
    """Effective settings of one channel account (or of the tenant level)."""

    enabled: bool
    instructions: str
    model: str
    base_url: str
    api_key: str  # decrypted; never leaves the service
    temperature: float
    reply_language: str
    time_zone: str
    days: tuple[DayHours, ...]
    outside_hours: OutsideHours
    handoff_keywords: tuple[str, ...]
    low_confidence_limit: int
    replies_per_hour: int
    max_reply_chars: int
    context_messages: int
    max_prompt_tokens: int
    embeddings_model: str
    faq_match_threshold: float
    silence_window_s: int
    max_wait_s: int
    human_reply_takes_over: bool

    @property
    def llm_configured(self) -> bool:
        """Without an endpoint and a model the agent runs in FAQ mode."""
        return bool(self.base_url and self.model)

    @classmethod
    def resolve(cls, *levels: Mapping[str, Any], api_key: str = "") -> Settings:
        v = merged(*levels)
        hours = v["business_hours"]
        return cls(
            enabled=v["enabled"], instructions=v["instructions"], model=v["model"],
            base_url=v["base_url"], api_key=api_key, temperature=v["temperature"],
            reply_language=v["reply_language"], time_zone=hours["time_zone"],
            days=tuple(DayHours(d["weekday"], _minutes(d["open"]), _minutes(d["close"]))
                       for d in hours["days"]),
            outside_hours=OutsideHours(v["outside_hours"]),
            handoff_keywords=tuple(v["handoff.keywords"]),
            low_confidence_limit=v["handoff.low_confidence_limit"],
            replies_per_hour=v["limits.replies_per_conversation_per_hour"],
            max_reply_chars=v["limits.max_reply_chars"],
            context_messages=v["limits.context_messages"],
            max_prompt_tokens=v["limits.max_prompt_tokens"],
            embeddings_model=v["embeddings_model"], faq_match_threshold=v["faq_match_threshold"],
            silence_window_s=v["silence_window_s"], max_wait_s=v["max_wait_s"],
            human_reply_takes_over=v["human_reply_takes_over"])


def merged(*levels: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults, then each level's own fields on top (the API-key marker is not a value)."""
    values = dict(DEFAULTS)
    for level in levels:
        values.update({k: v for k, v in level.items() if k in DEFAULTS})
    return values


def check_consistent(values: Mapping[str, Any]) -> None:
    """Rules across fields, checked on the merged result of an update."""
    if values["max_wait_s"] < values["silence_window_s"]:
        raise InvalidArgument("max_wait_s must not be shorter than silence_window_s")


def validate(path: str, value: Any) -> Any:
    """The value to store for `path`, or InvalidArgument saying what is wrong."""
    if path not in DEFAULTS:
        raise InvalidArgument(f"unknown settings field {path!r}; known: {sorted(FIELD_PATHS)}")
    return _VALIDATORS[path](path, value)


def _bool(path: str, value: Any) -> bool:
    return bool(value)


def _text(limit: int) -> Callable[[str, Any], str]:
    def check(path: str, value: Any) -> str:
        text = str(value).strip()
        if len(text) > limit:
            raise InvalidArgument(f"{path} is longer than {limit} characters")
        return text
    return check


def _number(low: float, high: float, *, integer: bool = True) -> Callable[[str, Any], Any]:
    def check(path: str, value: Any) -> Any:
        number = int(value) if integer else float(value)
        if not low <= number <= high:
            raise InvalidArgument(f"{path} must be between {low} and {high}; got {value}")
        return number
    return check


def _base_url(path: str, value: Any) -> str:
    """The form only (a port with letters, another scheme, an integer host are refused); where
    a name points is vetted by settings/endpoint.py, which resolves it."""
    url = str(value).strip().rstrip("/")
    if url:
        try:
            parse_url(url)
        except UrlRefused as exc:  # 2130706433, 0x7f000001 are addresses in disguise
            raise InvalidArgument("base_url must be an http(s) URL, e.g. https://api.openai.com/v1"
                                  if exc.malformed else NOT_PUBLIC) from None
    return url


def _language(path: str, value: Any) -> str:
    lang = str(value).strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", lang):
        raise InvalidArgument("reply_language must be a language code such as 'ru' or 'en'")
    return lang


def _outside_hours(path: str, value: Any) -> str:
    try:
        return OutsideHours(str(value)).value
    except ValueError as exc:
        raise InvalidArgument(f"outside_hours must be one of {[o.value for o in OutsideHours]}") from exc


def _keywords(path: str, value: Any) -> list[str]:
    words = [w.strip().lower() for w in value if str(w).strip()]
    if len(words) > 50 or any(len(w) > 64 for w in words):
        raise InvalidArgument("at most 50 handoff keywords of at most 64 characters each")
    return sorted(set(words), key=words.index)


def _business_hours(path: str, value: Any) -> dict[str, Any]:
    zone = str(value.get("time_zone") or DEFAULTS["business_hours"]["time_zone"])
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long
        raise InvalidArgument(f"unknown time zone {zone[:64]!r} (use an IANA name, "
                              "e.g. Europe/Moscow)") from exc
    days = [_day(d) for d in value.get("days", [])]
    if len({d["weekday"] for d in days}) != len(days):
        raise InvalidArgument("each weekday may appear once in business_hours.days")
    return {"time_zone": zone, "days": sorted(days, key=lambda d: d["weekday"])}


def _day(day: Mapping[str, Any]) -> dict[str, Any]:
    weekday, open_, close = int(day.get("weekday", 0)), str(day.get("open")), str(day.get("close"))
    if not 1 <= weekday <= 7:
        raise InvalidArgument("business_hours weekday must be 1 (Monday) to 7 (Sunday)")
    if not (_TIME.match(open_) and _TIME.match(close)) or _minutes(open_) >= _minutes(close):
        raise InvalidArgument(f"business hours of weekday {weekday} must be HH:MM with open "
                              f"before close; got {open_}-{close}")
    return {"weekday": weekday, "open": open_, "close": close}


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


_VALIDATORS: dict[str, Callable[[str, Any], Any]] = {
    "enabled": _bool,
    "instructions": _text(8000),
    "model": _text(200),
    "base_url": _base_url,
    "temperature": _number(0, 2, integer=False),
    "reply_language": _language,
    "business_hours": _business_hours,
    "outside_hours": _outside_hours,
    "handoff.keywords": _keywords,
    "handoff.low_confidence_limit": _number(1, 20),
    "limits.replies_per_conversation_per_hour": _number(1, 100),
    "limits.max_reply_chars": _number(50, 10_000),
    "limits.context_messages": _number(1, 100),
    "limits.max_prompt_tokens": _number(500, 128_000),
    "embeddings_model": _text(200),
    "faq_match_threshold": _number(0, 1, integer=False),
    "silence_window_s": _number(1, 600),
    "max_wait_s": _number(1, 3600),
    "human_reply_takes_over": _bool,
}
