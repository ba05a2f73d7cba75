"""Cities and countries people type, to the IANA timezone they live in.

The table (``bot/data/places.tsv.gz``, generated from GeoNames by ``scripts/make_places.py``)
holds every city of more than 15,000 people and every country with the zones its cities use.
A name is looked up exactly (folded: case, accents and punctuation do not matter), first as a
city's own name, then as one of its other names; a trailing country or US state narrows it
(``san jose costa rica``, ``portland oregon``). A name that several places in different zones
share is never settled silently: :func:`find` returns the choices to ask about. A place a
hundred times smaller than the largest one of that name is left out of the question (Moscow,
Idaho does not make everyone typing ``moscow`` choose).
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from sys import intern

from rapidfuzz import fuzz, process

OUTPUT = Path(__file__).parent / "data" / "places.tsv.gz"

#: Other names of countries, by ISO code (the table also knows each country's own name and
#: its two- and three-letter codes after a city, as in ``london gb``).
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("usa", "us", "america", "united states of america", "the us", "the usa"),
    "GB": ("uk", "britain", "great britain", "england", "scotland", "wales", "the uk"),
    "AE": ("uae", "emirates"),
    "KR": ("korea", "republic of korea"),
    "KP": ("north korea",),
    "CZ": ("czech republic",),
    "NL": ("holland", "the netherlands"),
    "CI": ("cote d ivoire",),
    "MM": ("burma",),
    "CD": ("drc", "dr congo", "democratic republic of the congo"),
    "CG": ("republic of the congo",),
    "RU": ("russian federation",),
    "TR": ("turkiye",),
    "SZ": ("swaziland",),
    "MK": ("macedonia",),
    "CV": ("cabo verde",),
    "VA": ("vatican", "vatican city"),
    "PS": ("palestine",),
    "TW": ("taiwan",),
    "VN": ("viet nam",),
    "LA": ("laos",),
    "IR": ("iran",),
    "SY": ("syria",),
    "BO": ("bolivia",),
    "VE": ("venezuela",),
    "TZ": ("tanzania",),
    "MD": ("moldova",),
}

#: Short forms of city names that GeoNames does not list (or lists only in capitals).
CITY_ALIASES: dict[str, str] = {
    "nyc": "new york city",
    "ny": "new york city",
    "la": "los angeles",
    "sf": "san francisco",
    "dc": "washington dc",
    "washington d c": "washington dc",
    "hcmc": "ho chi minh city",
    "cdmx": "mexico city",
    "spb": "saint petersburg",
    "kl": "kuala lumpur",
    "rio": "rio de janeiro",
}

#: A place this many times smaller than the largest of the same name is not offered.
OVERSHADOWED = 100
#: At most this many places are offered as buttons.
MAX_CHOICES = 6
#: A typo is offered as a guess (never taken) when this close to a place's name.
GUESS_CUTOFF = 85.0

_SPECIAL = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
_NOT_WORD = re.compile(r"[^\w]+")


def place_key(text: str) -> str:
    """How a place name is compared: lower case, no accents, punctuation as spaces,
    ``st``/``st.`` as ``saint``."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NOT_WORD.sub(" ", text.replace("_", " ")).split()
    return " ".join("saint" if word == "st" else word for word in words)


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str
    admin1: str
    population: int
    zone: str


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer to offer: what the button says and the zone it picks."""

    label: str
    zone: str


@dataclass(frozen=True, slots=True)
class Found:
    """What a typed place means: one ``zone``, or ``choices`` to ask about (``guessed``:
    they are close spellings of what was typed, not places of that very name)."""

    zone: str | None = None
    choices: tuple[Choice, ...] = ()
    guessed: bool = False

    @property
    def known(self) -> bool:
        return self.zone is not None or bool(self.choices)


@dataclass
class _Table:
    places: list[Place] = field(default_factory=list)
    #: Folded name -> the index of its place, or a tuple of them when several share it (most
    #: names belong to one place: a bare int keeps the table small in memory).
    by_name: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
    by_alias: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)  # code -> name
    country_zones: dict[str, tuple[str, ...]] = field(default_factory=dict)
    country_by_key: dict[str, str] = field(default_factory=dict)  # name or alias -> code
    country_codes: dict[str, str] = field(default_factory=dict)  # 'gb', 'gbr' -> code
    states: dict[str, str] = field(default_factory=dict)  # code -> name
    state_by_key: dict[str, str] = field(default_factory=dict)
    guess_names: list[str] = field(default_factory=list)
    guess_places: list[int] = field(default_factory=list)


#: Cities at least this large are offered as guesses for a typo.
GUESS_FROM = 100_000


def _index(index: dict[str, int | tuple[int, ...]], key: str, place: int) -> None:
    found = index.get(key)
    if found is None:
        index[key] = place
    elif isinstance(found, int):
        index[key] = (found, place)
    else:
        index[key] = (*found, place)


def _places(index: dict[str, int | tuple[int, ...]], key: str) -> tuple[int, ...]:
    found = index.get(key, ())
    return (found,) if isinstance(found, int) else found


@lru_cache(maxsize=1)
def _table() -> _Table:
    table = _Table()
    with gzip.open(OUTPUT, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "P":
                _, name, country, admin1, population, zone, aliases = fields
                index = len(table.places)
                table.places.append(
                    Place(name, intern(country), intern(admin1), int(population), intern(zone))
                )
                _index(table.by_name, place_key(name), index)
                for alias in filter(None, aliases.split("|")):
                    _index(table.by_alias, alias, index)
                if int(population) >= GUESS_FROM:
                    table.guess_names.append(place_key(name))
                    table.guess_places.append(index)
            elif fields[0] == "C":
                _, code, name, zones, aliases = fields
                table.countries[code] = name
                table.country_zones[code] = tuple(zones.split(","))
                for key in (place_key(name), *filter(None, aliases.split("|"))):
                    table.country_by_key.setdefault(key, code)
                table.country_codes[code.casefold()] = code
            elif fields[0] == "S":
                _, code, name = fields
                table.states[code] = name
                table.state_by_key[place_key(name)] = code
    return table


def country_name(code: str) -> str:
    return _table().countries.get(code, code)


def label(place: Place) -> str:
    """'Portland, Oregon, United States' for the US, 'San José, Costa Rica' elsewhere."""
    table = _table()
    parts = [place.name]
    if place.country == "US" and place.admin1 in table.states:
        parts.append(table.states[place.admin1])
    parts.append(country_name(place.country))
    return ", ".join(parts)


def _cities(key: str) -> tuple[int, ...]:
    table = _table()
    key = CITY_ALIASES.get(key, key)
    return _places(table.by_name, key) or _places(table.by_alias, key)


def _answer(indexes: Iterable[int]) -> Found:
    """One zone when the places agree; otherwise the largest place in each zone, to ask."""
    places = sorted((_table().places[i] for i in set(indexes)), key=lambda p: -p.population)
    if not places:
        return Found()
    largest = places[0].population
    places = [p for p in places if p.population * OVERSHADOWED >= largest]
    zones = list(dict.fromkeys(p.zone for p in places))
    if len(zones) == 1:
        return Found(zone=zones[0])
    per_zone: dict[str, Place] = {}
    for place in places:
        per_zone.setdefault(place.zone, place)
    return Found(choices=_choices(list(per_zone.values())[:MAX_CHOICES]))


def _choices(places: list[Place]) -> tuple[Choice, ...]:
    labels = [label(p) for p in places]
    repeated = {text for text in labels if labels.count(text) > 1}
    return tuple(
        Choice(f"{text} ({p.zone})" if text in repeated else text, p.zone)
        for text, p in zip(labels, places, strict=True)
    )


def _country(key: str, codes: bool) -> str | None:
    table = _table()
    found = table.country_by_key.get(key)
    if found is None and codes and len(key) in (2, 3):
        found = table.country_codes.get(key)
    return found


def _country_answer(code: str) -> Found:
    """A country: its zone when it has one; else its largest city in each zone, to ask."""
    table = _table()
    zones = table.country_zones.get(code, ())
    if len(zones) == 1:
        return Found(zone=zones[0])
    largest: dict[str, Place] = {}
    for place in table.places:  # largest first
        if place.country == code and place.zone not in largest:
            largest[place.zone] = place
            if len(largest) == len(zones):
                break
    ranked = sorted(largest.values(), key=lambda p: -p.population)[:MAX_CHOICES]
    return Found(choices=_choices(ranked))


def _qualified(words: list[str]) -> Found:
    """``<city> <country or US state>``: the city's places in that country or state."""
    table = _table()
    for size in range(1, 7):
        if len(words) <= size:
            break
        head, tail = " ".join(words[:-size]), " ".join(words[-size:])
        places = _cities(head)
        if not places:
            continue
        if (code := _country(tail, codes=True)) is not None:
            inside = [i for i in places if table.places[i].country == code]
        elif (state := table.state_by_key.get(tail)) is not None or (
            size == 1 and (state := tail.upper()) in table.states
        ):
            inside = [
                i
                for i in places
                if table.places[i].country == "US" and table.places[i].admin1 == state
            ]
        else:
            continue
        if inside:
            return _answer(inside)
    return Found()


def find(text: str) -> Found:
    """The zone of a city or country as typed, the choices to ask about, or close guesses."""
    key = place_key(text)
    if not key:
        return Found()
    table = _table()
    if key in table.by_name or key in CITY_ALIASES:
        return _answer(_cities(key))
    if (code := _country(key, codes=False)) is not None:
        return _country_answer(code)
    if key in table.by_alias:
        return _answer(_places(table.by_alias, key))
    found = _qualified(key.split())
    if found.known:
        return found
    return guesses(key)


def guesses(key: str) -> Found:
    """Cities (of 100,000 or more) whose name is a close spelling of ``key``, to offer."""
    table = _table()
    found = process.extract(
        key,
        table.guess_names,
        scorer=fuzz.ratio,
        processor=None,
        limit=MAX_CHOICES,
        score_cutoff=GUESS_CUTOFF,
    )
    places = [table.places[table.guess_places[i]] for _, _, i in found]
    return Found(choices=_choices(places), guessed=True) if places else Found()
