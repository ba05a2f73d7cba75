"""Times of day as people write them: ``07:30``, ``7.30``, ``0730``, ``19``, ``19h``, ``19h30``,
``7pm``, ``7:30 pm``, ``noon``, ``midnight``."""

from __future__ import annotations

import re
from datetime import time

_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_TWENTY_FOUR = re.compile(r"^(\d{1,2})(?:[:.h](\d{2})|h)?$")
_COMPACT = re.compile(r"^(\d{1,2})(\d{2})$")  # 0730, 730
_TWELVE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?$")
#: A word that is an attempt at a time, so a refusal says how to write one.
_TIMEISH = re.compile(r"^(?:\d[\d:.h]*\s*(?:[ap]\.?m\.?)?|tomorrow|today|tonight|morning|evening)$")


def _clock(hours: int, minutes: int) -> time | None:
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def parse_time_of_day(text: str) -> time | None:
    """The time ``text`` names, or None; a 12-hour time needs ``am``/``pm`` (``12am`` is
    midnight, ``12pm`` noon)."""
    typed = " ".join(text.casefold().split())
    if typed in _WORDS:
        return _WORDS[typed]
    if match := _TWENTY_FOUR.match(typed):
        return _clock(int(match.group(1)), int(match.group(2) or 0))
    if match := _COMPACT.match(typed):
        return _clock(int(match.group(1)), int(match.group(2)))
    if match := _TWELVE.match(typed):
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if match.group(3) == "p" else 0)
        return _clock(hours, minutes)
    return None


def looks_like_time(text: str) -> bool:
    """Whether ``text`` was meant as a time (digits, am/pm, 'tomorrow'), readable or not."""
    return bool(_TIMEISH.match(" ".join(text.casefold().split())))


def split_time(words: list[str]) -> tuple[time | None, list[str], str | None]:
    """(time, the other words, an unreadable time-like word) from ``words``: the time may come
    first or last and take two words (``7 pm``)."""
    candidates = []
    for size in (2, 1):
        if len(words) >= size:
            candidates.append((words[:size], words[size:]))
            if len(words) > size:
                candidates.append((words[-size:], words[:-size]))
    for taken, rest in candidates:
        if (clock := parse_time_of_day(" ".join(taken))) is not None:
            return clock, rest, None
    for taken, rest in candidates:
        if len(taken) == 1 and looks_like_time(taken[0]):
            return None, rest, taken[0]
    return None, words, None
