"""Topics a reader would browse by: themes from a curated taxonomy, places, relations.

The taxonomy lives in ``data/topics.txt`` (name, weight, phrase patterns). All patterns are
compiled once into one case-insensitive regex with a named group per topic, so scoring an
article is a single scan. Geographic topics come from prominent places (countries and
regions, with cities counted toward their country), and bilateral relations from two
countries that keep appearing in the same sentences.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.parsing.entities import (
    canonical_place,
    find_entities,
    place_country,
    place_kind,
)

__all__ = ["extract_topics", "normalise_topic", "topic_catalogue"]

_DATA_DIR = Path(__file__).with_name("data")
_MAX_TOPICS = 8
_MIN_TOPICS = 3
_REL_SUFFIX = " relations"
_DASH = "–"
_SHORT = {"United States": "US", "United Kingdom": "UK", "European Union": "EU"}
_LONG = {v.casefold(): k for k, v in _SHORT.items()}


def _load_taxonomy() -> tuple[list[tuple[str, float, list[str]]], dict[str, str]]:
    """Topics with their weight and patterns; plus plain-word aliases for normalising."""
    topics: list[tuple[str, float, list[str]]] = []
    aliases: dict[str, str] = {}
    for raw in (_DATA_DIR / "topics.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, weight, patterns = (p.strip() for p in line.split("|", 2))
        pats = [p.strip() for p in patterns.split(";") if p.strip()]
        topics.append((name, float(weight), pats))
        aliases[name.casefold()] = name
        for p in pats:
            if re.fullmatch(r"[a-z][a-z '-]*", p):
                aliases.setdefault(p.casefold(), name)
    return topics, aliases


_TAXONOMY, _TOPIC_ALIASES = _load_taxonomy()
_TOPIC_NAMES = [name for name, _, _ in _TAXONOMY]
_TOPIC_WEIGHT = {name: w for name, w, _ in _TAXONOMY}
_TOPIC_RE = re.compile(
    "|".join(
        f"(?P<t{i}>" + r"\b(?:" + "|".join(pats) + r")\b)"
        for i, (_, _, pats) in enumerate(_TAXONOMY)
    ),
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[.!?]+[\"'”’)]*\s+|\n+")


def _relation_name(a: str, b: str) -> str:
    """Canonical bilateral topic: short names, sorted, en dash ("Russia–US relations")."""
    names = sorted({_SHORT.get(a, a), _SHORT.get(b, b)}, key=str.casefold)
    return _DASH.join(names) + _REL_SUFFIX


def normalise_topic(name: str) -> str:
    """One display form per topic, so the store counts "ukraine"/"Ukrainian" once."""
    clean = " ".join((name or "").replace("_", " ").split()).strip(" .,;:")
    if not clean:
        return ""
    folded = clean.casefold()
    if folded in _TOPIC_ALIASES:
        return _TOPIC_ALIASES[folded]
    rel = re.fullmatch(r"(.+?)\s*(?:[-–—/]|\band\b)\s*(.+?)(?:\s+relations?|\s+ties)?", clean, re.I)
    if rel and re.search(r"relations?|ties", clean, re.I):
        a, b = rel.group(1), rel.group(2)
        pa = _LONG.get(a.casefold()) or canonical_place(a)
        pb = _LONG.get(b.casefold()) or canonical_place(b)
        if pa and pb and pa != pb:
            return _relation_name(pa, pb)
    place = canonical_place(clean)
    if place:
        return place
    if clean.isupper() and len(clean) <= 6:
        return clean
    return clean[0].upper() + clean[1:]


def topic_catalogue() -> list[str]:
    """Every theme the taxonomy knows (places and relations are open-ended, not listed)."""
    return list(_TOPIC_NAMES)


def extract_topics(
    title: str,
    body: str,
    places: list[str],
    organisations: list[str],
    people: list[str],
) -> list[str]:
    """3–8 topics, most central first: themes, prominent places and bilateral relations."""
    title = title or ""
    body = body or ""
    scores: dict[str, float] = {}
    n = max(len(body), 1)

    # Themes from the taxonomy: weight x position (early counts more), title bonus.
    for m in _TOPIC_RE.finditer(body):
        name = _TOPIC_NAMES[int(m.lastgroup[1:])]  # type: ignore[index]
        pos_factor = 1.5 - m.start() / n
        scores[name] = scores.get(name, 0.0) + _TOPIC_WEIGHT[name] * pos_factor
    for m in _TOPIC_RE.finditer(title):
        name = _TOPIC_NAMES[int(m.lastgroup[1:])]  # type: ignore[index]
        scores[name] = scores.get(name, 0.0) + 3.0 * _TOPIC_WEIGHT[name]
    themes = {k: v for k, v in scores.items() if v >= 1.2}

    # Places: countries and regions; cities and government bodies count for their country.
    place_score: dict[str, float] = {}
    sentences_with: list[set[str]] = []
    for text, bonus in ((title, 3.0), (body, 1.0)):
        if not text:
            continue
        sent_start = 0
        bounds = [m.end() for m in _SENTENCE_END_RE.finditer(text)] + [len(text)]
        bi = 0
        current: set[str] = set()
        for ment in find_entities(text):
            while bi < len(bounds) and ment.start >= bounds[bi]:
                sentences_with.append(current)
                current = set()
                sent_start = bounds[bi]
                bi += 1
            del sent_start
            sent_start = 0
            country = place_country(ment.canonical)
            kind = place_kind(ment.canonical) if ment.kind == "place" else None
            if kind in ("country", "region"):
                key = ment.canonical
                place_score[key] = place_score.get(key, 0.0) + bonus
            elif country and kind in ("city", "state"):
                place_score[country] = place_score.get(country, 0.0) + 0.5 * bonus
            if country:
                current.add(country)
        sentences_with.append(current)

    geo: dict[str, float] = {}
    for place, s in place_score.items():
        need = 4.0 if place == "United States" else 2.0
        if s >= need:
            geo[place] = s

    pair_count: dict[tuple[str, str], int] = {}
    for sent in sentences_with:
        countries = sorted(sent)
        for i, a in enumerate(countries):
            for b in countries[i + 1 :]:
                pair_count[(a, b)] = pair_count.get((a, b), 0) + 1
    relations: dict[str, float] = {}
    for (a, b), c in pair_count.items():
        if c >= 2 and place_score.get(a, 0) >= 2 and place_score.get(b, 0) >= 2:
            relations[_relation_name(a, b)] = 1.5 * c

    ranked = sorted(
        [*geo.items(), *relations.items(), *themes.items()], key=lambda kv: (-kv[1], kv[0])
    )
    out: list[str] = []
    for name, _ in ranked:
        if name not in out:
            out.append(name)
        if len(out) >= _MAX_TOPICS:
            break
    if len(out) < _MIN_TOPICS:
        for name, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
            if name not in out:
                out.append(name)
            if len(out) >= _MIN_TOPICS:
                break
    del places, organisations, people
    return out
