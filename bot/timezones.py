"""Turning what a subscriber types into a timezone: IANA names, UTC offsets, loose city names.

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

from rapidfuzz import fuzz, process

_OFFSET_RE = re.compile(r"^(?:utc|gmt|z)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_CITY_CUTOFF = 88.0

#: Places people type that are not the last part of an IANA name.
_ALIASES: dict[str, str] = {
    "nyc": "America/New_York",
    "washington": "America/New_York",
    "boston": "America/New_York",
    "miami": "America/New_York",
    "atlanta": "America/New_York",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "beijing": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata",
    "kiev": "Europe/Kyiv",
    "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "milan": "Europe/Rome",
    "barcelona": "Europe/Madrid",
    "geneva": "Europe/Zurich",
    "osaka": "Asia/Tokyo",
    "abu dhabi": "Asia/Dubai",
    "tel aviv": "Asia/Jerusalem",
    "sao paulo": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "toronto": "America/Toronto",
    "montreal": "America/Toronto",
    "vancouver": "America/Vancouver",
    "sydney": "Australia/Sydney",
    "melbourne": "Australia/Melbourne",
    "utc": "UTC",
    "gmt": "UTC",
}


@dataclass(frozen=True, slots=True)
class Zone:
    """A resolved timezone: the name stored in the database and its tzinfo."""

    name: str
    tzinfo: tzinfo


def _normalise(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


@lru_cache(maxsize=1)
def _iana_by_key() -> dict[str, str]:
    """Lower-cased IANA key -> canonical key (``europe/berlin`` -> ``Europe/Berlin``)."""
    return {name.casefold(): name for name in available_timezones()}


@lru_cache(maxsize=1)
def _cities() -> tuple[list[str], list[str]]:
    """(typed form, IANA key) pairs for city matching: last IANA part plus the aliases."""
    places: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/")):
            continue
        places.setdefault(_normalise(name.rsplit("/", 1)[1]), name)
    iana = _iana_by_key()
    for alias, target in _ALIASES.items():
        if target.casefold() in iana:
            places[alias] = iana[target.casefold()]
    return list(places), list(places.values())


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


def resolve(text: str) -> Zone | None:
    """Best timezone for what was typed (``Europe/Berlin``, ``UTC+3``, ``berlin``), else None."""
    typed = " ".join(text.split())
    if not typed or len(typed) > 64:
        return None
    if (offset := _parse_offset(typed)) is not None:
        return offset
    key = typed.replace(" ", "_").casefold()
    if (canonical := _iana_by_key().get(key)) is not None:
        return Zone(canonical, ZoneInfo(canonical))
    names, targets = _cities()
    match = process.extractOne(
        _normalise(typed), names, scorer=fuzz.ratio, processor=None, score_cutoff=_CITY_CUTOFF
    )
    if match is None:
        return None
    target = targets[match[2]]
    return Zone(target, ZoneInfo(target))


def suggestions(text: str, limit: int = 3) -> list[str]:
    """Close IANA names for a zone we could not resolve, to put in the correction."""
    names, targets = _cities()
    found = process.extract(_normalise(text), names, scorer=fuzz.WRatio, limit=limit * 3)
    return list(dict.fromkeys(targets[index] for _, score, index in found if score >= 60))[:limit]
