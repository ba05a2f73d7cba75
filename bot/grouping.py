"""Which articles tell the same story: the keys of an article and how well they match a story's.

An article is described by weighted keys: the content words of its title and lead, the people
it names, its places and organisations, and the words it quotes. A story keeps, for each key,
how many of its articles carry it. A new article joins the story that carries the largest part
of its keys, weighed by how rare each key is among all stories (a name every story mentions
tells little), when that part is large enough, when what happened (the keys that are not
names) is shared too, when their places agree, and when the story is close enough in time: the
same people in another event or on another day (a second rally) are another story. Pure
functions, no storage.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter

#: How far apart (days) an article and the nearest day of a story can be and still join it.
MAX_GAP_DAYS = 2
#: The share of an article's key weight a story must carry for the article to join it, on the
#: story's own days; each day further away asks for more.
JOIN_SCORE = 0.17
GAP_PENALTY = 0.05
#: The share of the weight of an article's other keys (what happened, not who or where) the
#: story must carry too: the same people in another event do not make one story.
EVENT_SCORE = 0.03
#: Fewest distinct shared keys (words, names, quotes) for a join: one common word is never
#: enough.
MIN_SHARED = 3
#: The rarity of a key is read among at least this many stories, so a young store (few
#: stories yet) does not make every word look rare.
MIN_STORIES_FOR_RARITY = 40
#: Most keys kept for an article (the heaviest): a long lead adds noise, not evidence.
MAX_KEYS = 40
LEAD_CHARS = 600

TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.0
PERSON_WEIGHT = 1.5
ORGANISATION_WEIGHT = 1.2
PLACE_WEIGHT = 0.8

PLACE = "l:"
QUOTE = "q:"

#: A quote is known by some of its runs of this many words (its *shingles*): two articles that
#: quote the same words share them, however each trims the quote.
SHINGLE_WORDS = 5
#: One shingle in this many is kept, chosen by the hash of its first word, so two articles
#: keep the same ones of the words they share; and at most this many per article.
SHINGLE_SAMPLE = 4
MAX_QUOTE_KEYS = 4
QUOTE_WEIGHT = 1.5
#: What is stripped around a quoted word ("jobs," and "jobs" are one word).
_PUNCTUATION = "\"'“”‘’«»„.,;:!?()[]{}—–-…*/"

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|\d{2,}")

_STOPWORD_TEXT = """
    a about above after again against all almost also although always am among an and another
    any anyone anything are around as at away back be became because become been before being
    below between both but by came can cannot could day days did do does doing done down during
    each either else even ever every few first for from further get gets getting give given go
    goes going gone got had has have having he her here hers herself him himself his how however
    i if in including into is it its itself just last least less let like made make makes many
    may me might more most much must my myself near need never new news next no nor not now of
    off often on once one only or other others our ours ourselves out over own per put rather
    really said same say saying says see seen she should since so some something still such
    take than that the their theirs them themselves then there these they thing things this
    those though three through thus to today told too two under until up upon us use used very
    want was way we week weeks well went were what when where whether which while who whom
    whose why will with within without would year years yes yet you your yours yourself
    monday tuesday wednesday thursday friday saturday sunday morning afternoon evening night
    tonight yesterday tomorrow time times according report reported reports statement
    spokesman spokeswoman official officials people percent many mr mrs ms dr told asked
    week month months january february march april june july august september october
    november december via read follow twitter facebook share email click subscribe
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class ArticleKeys:
    """What the grouping knows of one article: its day and its weighted keys."""

    day: str
    keys: dict[str, float]
    #: Keys that only name someone or somewhere (``p:trump``, ``trump``, ``l:ohio``): the
    #: same people in another event share these, so a join needs more than them.
    names: frozenset[str] = frozenset()


@lru_cache(maxsize=1 << 16)
def word_key(token: str) -> str | None:
    """A word as a key: lower case, without a possessive or a plural ``s``; None for a
    stopword or a word too short to tell stories apart. Remembered: news repeats its words."""
    word = token.casefold().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'-")
    if len(word) < 3 or word in STOPWORDS:
        return None
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def _words(text: str) -> list[str]:
    """The word keys of a text, in order (a word may come back), the stopwords left out."""
    return list(filter(None, map(word_key, _WORD.findall(text))))


@lru_cache(maxsize=1 << 16)
def _starts_shingle(word: str) -> bool:
    """Whether the shingles starting at this word are kept: one word in ``SHINGLE_SAMPLE``,
    by its hash, so every article keeps the same runs of the words it shares with another.
    Remembered: quotes repeat their words."""
    return zlib.crc32(word.encode("utf-8")) % SHINGLE_SAMPLE == 0


def quote_keys(quotes: Iterable[str]) -> list[str]:
    """Keys for the words an article quotes: a sample of their shingles, the same sample in
    every article that quotes the same words (a quote shared by two reports is strong evidence
    of one event; one every story repeats is made weak by its rarity, as any key)."""
    found: set[int] = set()
    for text in quotes:
        tokens = text.casefold().replace("’", "'").split()
        words = [w for w in (t.strip(_PUNCTUATION) for t in tokens) if w]
        for start in range(len(words) - SHINGLE_WORDS + 1):
            if _starts_shingle(words[start]):
                shingle = " ".join(words[start : start + SHINGLE_WORDS])
                found.add(zlib.crc32(shingle.encode("utf-8")))
    return [f"{QUOTE}{code:08x}" for code in sorted(found)[:MAX_QUOTE_KEYS]]


def article_keys(
    day: str,
    title: str,
    lead: str,
    people: Iterable[str] = (),
    places: Iterable[str] = (),
    organisations: Iterable[str] = (),
    quotes: Iterable[str] = (),
) -> ArticleKeys:
    """The keys of an article from its title, the start of its body (``lead``), the names the
    parser found and the words it quotes. Each key keeps its heaviest weight: a title word
    outweighs a lead word."""
    # Each kind of key has one weight and its own prefix, so a later kind never meets an
    # earlier one's key except title words already in the lead, which it outweighs: a
    # dict per kind, merged in order, keeps each key's heaviest weight at its first place.
    keys = dict.fromkeys(_words(lead[:LEAD_CHARS]), LEAD_WEIGHT)
    keys.update(dict.fromkeys(_words(title), TITLE_WEIGHT))
    names: set[str] = set()
    surnames = []
    for name in people:
        parts = name.split()
        names.update(filter(None, map(word_key, parts)))
        if len(parts) >= 2:  # a lone first name says little; the surname is the person
            surnames.append("p:" + parts[-1].casefold())
    keys.update(dict.fromkeys(surnames, PERSON_WEIGHT))
    for prefix, weight, found in (
        ("o:", ORGANISATION_WEIGHT, organisations),
        (PLACE, PLACE_WEIGHT, places),
    ):
        entity_keys = []
        for name in found:
            entity_keys.append(prefix + " ".join(name.casefold().split()))
            names.update(filter(None, map(word_key, name.split())))
        keys.update(dict.fromkeys(entity_keys, weight))
    if len(keys) > MAX_KEYS:
        keys = dict(heaviest(keys, MAX_KEYS))
    names.update(key for key in keys if key[1:2] == ":")
    keys.update(dict.fromkeys(quote_keys(quotes), QUOTE_WEIGHT))
    return ArticleKeys(day=day, keys=keys, names=frozenset(names & keys.keys()))


def heaviest(weights: Mapping[str, float], most: int) -> list[tuple[str, float]]:
    """The ``most`` heaviest (key, weight) pairs, heaviest first, then by key: sorted by key,
    then stably by weight (two sorts in C rather than one through a Python key function)."""
    return sorted(sorted(weights.items()), key=itemgetter(1), reverse=True)[:most]


def rarities(
    keys: Iterable[str], stories_with: Mapping[str, int], stories: int
) -> dict[str, float]:
    """How rare each key is among the stories: its inverse document frequency (``stories_with``
    gives how many stories carry each key, none when absent; read among at least a floor of
    stories), computed in one pass as it runs for every key of every article ingested."""
    top = math.log(max(stories, MIN_STORIES_FOR_RARITY) + 1) + 0.1
    log = math.log
    return {key: top - log(stories_with.get(key, 0) + 1) for key in keys}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A story the article could join: its days, size and key counts."""

    story_id: int
    first_day: str
    last_day: str
    n_articles: int
    counts: Mapping[str, int]


def day_gap(day: str, first_day: str, last_day: str) -> int:
    """Days between ``day`` and the span of a story (0 inside it)."""
    try:
        d = date.fromisoformat(day)
        if d < date.fromisoformat(first_day):
            return (date.fromisoformat(first_day) - d).days
        if d > date.fromisoformat(last_day):
            return (d - date.fromisoformat(last_day)).days
    except ValueError:
        return MAX_GAP_DAYS + 1
    return 0


def match_score(
    candidate: Candidate, weights: Mapping[str, float], names: frozenset[str] = frozenset()
) -> tuple[float, float, int]:
    """(score, event score, shared keys): the share of the article's weighted keys the story
    carries, each shared key counting as the fraction of the story's articles that have it;
    the same share of its keys that are not ``names`` (what happened, not who or where). One
    pass over the keys: it runs for every candidate of every article ingested."""
    total = event_total = found = event_found = 0.0
    shared = 0
    n = max(candidate.n_articles, 1)
    counts = candidate.counts
    for key, weight in weights.items():
        named = key in names
        # A quote the story does not share counts for nothing: most reports quote someone
        # the others do not, which says nothing against one event.
        if not key.startswith(QUOTE):
            total += weight
            if not named:
                event_total += weight
        count = counts.get(key)
        if count:
            shared += 1
            part = weight * min(count / n, 1.0)
            found += part
            if not named:
                event_found += part
    if total <= 0:
        return 0.0, 0.0, 0
    return found / total, event_found / event_total if event_total > 0 else 0.0, shared


def places_agree(places: set[str], counts: Mapping[str, int]) -> bool:
    """False when the article and the story both name places and none is the same: a rally
    in Tampa and one in Dayton are two events, however alike their words."""
    if not places:
        return True
    theirs = [key for key in counts if key.startswith(PLACE)]
    return not theirs or any(key in places for key in theirs)


def choose_story(
    article: ArticleKeys, candidates: Iterable[Candidate], key_rarity: Mapping[str, float]
) -> int | None:
    """The story the article joins, or None when it starts a story of its own."""
    places = {key for key in article.keys if key.startswith(PLACE)}
    weights = {key: w * key_rarity.get(key, 1.0) for key, w in article.keys.items()}
    best: tuple[float, int] | None = None
    for candidate in candidates:
        gap = day_gap(article.day, candidate.first_day, candidate.last_day)
        if gap > MAX_GAP_DAYS or not places_agree(places, candidate.counts):
            continue
        score, event, shared = match_score(candidate, weights, article.names)
        if shared < MIN_SHARED or event < EVENT_SCORE:
            continue
        margin = score - (JOIN_SCORE + GAP_PENALTY * gap)
        if margin >= 0 and (best is None or margin > best[0]):
            best = (margin, candidate.story_id)
    return best[1] if best else None


def window_days(day: str) -> tuple[str, str]:
    """The first and last day whose stories an article of ``day`` is compared with."""
    try:
        d = date.fromisoformat(day)
    except ValueError:
        return day, day
    gap = timedelta(days=MAX_GAP_DAYS)
    return (d - gap).isoformat(), (d + gap).isoformat()
