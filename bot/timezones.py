"""Turning what a subscriber types into a timezone: IANA names, UTC offsets, cities, countries.

Subscriptions store the zone's *name* (an IANA key such as ``Europe/Berlin`` or a fixed offset
written ``UTC+03:00``) so the database stays readable and :func:`zone` rebuilds the tzinfo;
IANA zones keep the local hour across daylight-saving changes, fixed offsets never shift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot import places
from bot.places import Choice

_OFFSET_RE = re.compile(r"^(?:utc|gmt|z)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Zone:
    """A resolved timezone: the name stored in the database and its tzinfo."""

    name: str
    tzinfo: tzinfo


@lru_cache(maxsize=1)
def _iana_by_key() -> dict[str, str]:
    """Lower-cased IANA key -> canonical key (``europe/berlin`` -> ``Europe/Berlin``).

    Old single-word links (``Singapore``, ``Japan``, ``Portugal``) are left to the places
    table, which knows their current zones; abbreviations (``CET``, ``EST5EDT``) stay."""
    return {
        name.casefold(): name for name in available_timezones() if "/" in name or name.isupper()
    }


def offset_name(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def _parse_offset(text: str) -> Zone | None:
    match = _OFFSET_RE.match(text.strip())
    if match is None:
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes >= 60:
        return None
    total = (hours * 60 + minutes) * (-1 if sign == "-" else 1)
    if total == 0:
        return Zone("UTC", ZoneInfo("UTC"))
    return Zone(offset_name(total), timezone(timedelta(minutes=total)))


def zone(name: str) -> tzinfo:
    """The tzinfo for a stored zone name; raises ValueError for a name we never store."""
    if name.startswith("UTC") and len(name) > 3:
        parsed = _parse_offset(name)
        if parsed is not None:
            return parsed.tzinfo
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}") from None


def iana(text: str) -> Zone | None:
    """A UTC offset or an IANA name, typed in any case (``utc+3``, ``europe/berlin``)."""
    typed = " ".join(text.split())
    if not typed or len(typed) > 64:
        return None
    if (offset := _parse_offset(typed)) is not None:
        return offset
    if (canonical := _iana_by_key().get(typed.replace(" ", "_").casefold())) is not None:
        return Zone(canonical, ZoneInfo(canonical))
    return None


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a typed zone or place means: one ``zone``, or ``choices`` to ask about (close
    spellings when ``guessed``), or neither (unknown)."""

    zone: Zone | None = None
    choices: tuple[Choice, ...] = ()
    guessed: bool = False


def lookup(text: str) -> Lookup:
    """An offset, an IANA name, a city (with its country or US state when ambiguous) or a
    country; never a guess taken silently."""
    if (exact := iana(text)) is not None:
        return Lookup(exact)
    if len(text) > 64:
        return Lookup()
    found = places.find(text)
    if found.zone is not None:
        return Lookup(Zone(found.zone, ZoneInfo(found.zone)))
    return Lookup(choices=found.choices, guessed=found.guessed)


def resolve(text: str) -> Zone | None:
    """The one timezone ``text`` names (``Europe/Berlin``, ``UTC+3``, ``berlin``), else None."""
    return lookup(text).zone
