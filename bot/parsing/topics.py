"""Topics a reader would browse by: themes from a curated taxonomy, places, relations.

The taxonomy lives in ``data/topics.txt`` (name, weight, family, aliases, patterns). All
patterns are compiled once into one case-insensitive regex with a named group per topic,
so scoring an article's themes is a single C-level scan. Geographic topics come from
prominent places (countries and regions; cities, states, government bodies and leaders
introduced as "Russian President X" also count toward their country), and bilateral
relations from two countries that keep turning up in the same sentences.
"""

from __future__ import annotations

import re
import re._constants as _C
import re._parser as _sre_parser
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.parsing import cues
from bot.parsing.entities import (
    EntityMention,
    canonical_place,
    mentions_in,
    place_country,
    place_kind,
)
from bot.parsing.tokens import trie_regex as _trie_regex
from bot.parsing.topic_evidence import (
    enough_evidence,
    follows_a_name,
    is_demonym,
    lead_end,
    place_share,
    theme_word_inside_a_name,
    title_word_inside_a_name,
)

__all__ = ["extract_topics", "normalise_topic", "topic_catalogue"]

_MAX_TOPICS = 8
_MIN_TOPICS = 3
#: What a place's adjective ("Turkish") counts for next to its name, unless it acts.
DEMONYM_SHARE = 0.4
_DASH = "–"
_SHORT = {"United States": "US", "United Kingdom": "UK"}
_LONG = {v.casefold(): k for k, v in _SHORT.items()} | {
    "u.s.": "United States",
    "usa": "United States",
}


@dataclass(frozen=True, slots=True)
class _Topic:
    name: str
    weight: float
    family: str
    patterns: tuple[str, ...]


def _load_taxonomy() -> tuple[list[_Topic], dict[str, str]]:
    """Topics in file order, and casefolded alias -> canonical name for normalising."""
    topics: list[_Topic] = []
    aliases: dict[str, str] = {}
    for raw in (cues.DATA_DIR / "topics.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, weight, family, alias_field, pattern_field = (p.strip() for p in line.split("|", 4))
        patterns = tuple(p.strip() for p in pattern_field.split(";") if p.strip())
        topics.append(_Topic(name, float(weight), family, patterns))
        aliases[name.casefold()] = name
        for alias in alias_field.split(","):
            if alias.strip():
                aliases.setdefault(alias.strip().casefold(), name)
    return topics, aliases


def _expand(pattern: str, limit: int = 400) -> list[str] | None:
    """All strings a simple pattern matches (alternations, optional parts, small classes).

    None when the pattern is open-ended (``\\w+``, lookarounds): such patterns go to a
    small fallback regex instead of the literal trie.
    """
    try:
        parsed = _sre_parser.parse(pattern)
    except re.error:
        return None
    return _expand_items(list(parsed), limit)


def _expand_items(items: list[Any], limit: int) -> list[str] | None:
    results = [""]
    for op, av in items:
        opts: list[str] | None
        if op is _C.LITERAL:
            opts = [chr(av)]
        elif op is _C.IN:
            opts = []
            for cop, cav in av:
                if cop is _C.LITERAL:
                    opts.append(chr(cav))
                elif cop is _C.RANGE and cav[1] - cav[0] < 30:
                    opts.extend(chr(c) for c in range(cav[0], cav[1] + 1))
                else:
                    return None
        elif op is _C.BRANCH:
            opts = []
            for alt in av[1]:
                sub = _expand_items(list(alt), limit)
                if sub is None:
                    return None
                opts.extend(sub)
        elif op is _C.SUBPATTERN:
            if av[1] or av[2]:
                return None  # scoped flags: handled by the caller
            opts = _expand_items(list(av[3]), limit)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[1] <= 2:
            sub = _expand_items(list(av[2]), limit)
            if sub is None:
                return None
            opts = []
            for k in range(av[0], av[1] + 1):
                combos = [""]
                for _ in range(k):
                    combos = [c + x for c in combos for x in sub]
                opts.extend(combos)
        else:
            return None
        if opts is None:
            return None
        results = [r + o for r in results for o in opts]
        if len(results) > limit:
            return None
    return results


_TAXONOMY, _TOPIC_ALIASES = _load_taxonomy()
_FAMILY = {t.name: t.family for t in _TAXONOMY}
_WEIGHT = {t.name: t.weight for t in _TAXONOMY}
_CASED_PATTERN_RE = re.compile(r"\(\?-i:(.*)\)")


def _build_matchers() -> tuple[
    re.Pattern[str],
    dict[str, str],
    re.Pattern[str],
    dict[str, str],
    re.Pattern[str] | None,
    list[str],
]:
    """Literal tries for most patterns (lower-cased text / case-kept acronyms), and one
    fallback regex for the few open-ended patterns. Built once at import."""
    lower: dict[str, str] = {}
    cased: dict[str, str] = {}
    fallback: list[str] = []
    fallback_topic: list[str] = []
    for topic in _TAXONOMY:
        for pattern in topic.patterns:
            m = _CASED_PATTERN_RE.fullmatch(pattern)
            target = cased if m else lower
            words = _expand(m.group(1) if m else pattern)
            if words is None:
                fallback.append(pattern)
                fallback_topic.append(topic.name)
                continue
            for word in words:
                if not m and not (word[0].isalnum() or word[0] == "_"):
                    # "#metoo": the scan wants a word character first; such a phrase
                    # never matched (its left boundary needs a word character before).
                    continue
                target.setdefault(word if m else word.lower(), topic.name)

    def trie(words: dict[str, str], lead: str) -> re.Pattern[str]:
        # No look-behind in front (it stops the engine skipping ahead); the left
        # boundary is checked per hit in _theme_matches.
        body = _trie_regex(sorted(words, key=len, reverse=True)) if words else "(?!)"
        return re.compile(lead + r"(?:" + body + r")(?![\w-])")

    fb = (
        re.compile(
            "|".join(f"(?P<f{i}>(?<![\\w-])(?:{p})(?![\\w-]))" for i, p in enumerate(fallback)),
            re.IGNORECASE,
        )
        if fallback
        else None
    )
    # The lower-case trie is scanned with the character before each phrase (see
    # _theme_matches): the engine skips in C to the positions after a space or
    # punctuation instead of entering the trie at every word boundary.
    return trie(lower, r"[^0-9A-Za-z_]"), lower, trie(cased, ""), cased, fb, fallback_topic


(
    _LOWER_RE,
    _LOWER_TOPIC,
    _CASED_RE,
    _CASED_TOPIC,
    _FALLBACK_RE,
    _FALLBACK_TOPIC,
) = _build_matchers()


def _theme_matches(text: str) -> list[tuple[int, str, str]]:
    """(position, topic, matched words) for every taxonomy phrase in ``text``."""
    found: list[tuple[int, str, str]] = []
    # Lower-case phrases: matched with the character before them, which must not be a
    # word character, so the engine skips along a bitmap of ASCII ones in C instead of
    # entering the trie at every word boundary (``\b``). A non-ASCII letter before
    # ("é") is no boundary either: the search goes on from the next character. After a
    # "-" the phrase is part of a hyphenated compound and does not count, but its words
    # stay taken, as with ``\b``. The leading space stands for the start of the text;
    # a match's start in ``padded`` is then where its phrase starts in ``text``.
    padded = " " + text.lower()
    pos = 0
    while (m := _LOWER_RE.search(padded, pos)) is not None:
        lead = m.start()
        before = padded[lead]
        if before.isalnum():
            pos = lead + 1
            continue
        pos = m.end()
        if before != "-":
            words = m.group()[1:]
            found.append((lead, _LOWER_TOPIC[words], words))
    for m in _CASED_RE.finditer(text):
        pos = m.start()
        if pos and (text[pos - 1].isalnum() or text[pos - 1] in "-_"):
            continue  # inside a word or a hyphenated compound
        words = m.group()
        found.append((pos, _CASED_TOPIC[words], words))
    if _FALLBACK_RE is not None:
        for m in _FALLBACK_RE.finditer(text):
            found.append((m.start(), _FALLBACK_TOPIC[int((m.lastgroup or "f0")[1:])], m.group()))
    return found


# Starts with a character class so the engine can skip ahead to candidate marks.
_SENTENCE_END_RE = re.compile(r"[\n.!?](?:(?<=\n)|[.!?]*[\"'”’)\]]*(?=\s))")
# "Russian President Vladimir Putin", "Ukraine's Foreign Minister Dmytro Kuleba".
_LEADER_RE = re.compile(
    r"(?:['’]s)?[ \t]+(?:(?:[Ff]ormer|[Aa]cting|[Dd]eputy|[Ff]irst)[ \t]+)?"
    r"(?:President|Prime[ \t]+Minister|PM|Premier|Chancellor|[Ff]oreign[ \t]+Minister|"
    r"[Dd]efen[cs]e[ \t]+Minister|Secretary[ \t]+of[ \t]+State|[Ll]eader|King|Queen|"
    r"Crown[ \t]+Prince|Supreme[ \t]+Leader|Emir|[Aa]mbassador|[Ee]nvoy|[Ss]pokes(?:man|woman))"
    r"[ \t]+((?:[A-Z][\w'’-]+[ \t]+){0,2}[A-Z][\w'’-]+)"
)
# "Russian officials", "the US government", "his US counterpart": a country acting.
_ACTOR_RE = re.compile(
    r"(?:['’]s)?[ \t]+(?:[\w-]+[ \t]+)?(?:government|officials?|authorities|regime|leaders?|"
    r"leadership|president|prime[ \t]+minister|foreign[ \t]+minister|defen[cs]e[ \t]+minister|"
    r"military|forces|troops|army|navy|diplomats?|ambassador|embassy|counterparts?|delegation|"
    r"negotiators?|ministry|ministries|administration|side|envoys?|intelligence|lawmakers|"
    r"parliament|sanctions|spokes(?:man|woman|person))(?![\w-])",
    re.IGNORECASE,
)
_RELATION_RE = re.compile(
    r"(.+?)\s*(?:[-–—/]|\band\b|\bvs?\.?)\s*(.+?)\s+(?:relations?|ties|relationship)",
    re.IGNORECASE,
)


def _relation_name(a: str, b: str) -> str:
    """Canonical bilateral topic: short names, sorted, en dash ("Russia–US relations")."""
    names = sorted({_SHORT.get(a, a), _SHORT.get(b, b)}, key=str.casefold)
    return _DASH.join(names) + " relations"


def normalise_topic(name: str) -> str:
    """One display form per topic, so the store counts "ukraine"/"Ukrainian" once."""
    clean = " ".join((name or "").replace("_", " ").split()).strip(" .,;:!?\"'")
    if not clean:
        return ""
    folded = clean.casefold()
    if folded in _TOPIC_ALIASES:
        return _TOPIC_ALIASES[folded]
    rel = _RELATION_RE.fullmatch(clean)
    if rel:
        a, b = rel.group(1), rel.group(2)
        pa = _LONG.get(a.casefold()) or canonical_place(a)
        pb = _LONG.get(b.casefold()) or canonical_place(b)
        if pa and pb and pa != pb:
            return _relation_name(pa, pb)
    place = _LONG.get(folded) or canonical_place(clean)
    if place:
        return place
    if clean.isupper() and len(clean) <= 6:
        return clean  # an acronym: "NATO"
    if clean.islower() or clean.isupper():
        clean = clean.lower()
    return clean[0].upper() + clean[1:]


def topic_catalogue() -> list[str]:
    """Every theme the taxonomy knows (places and relations are open-ended, not listed)."""
    return [t.name for t in _TAXONOMY]


def _theme_scores(
    title: str, body: str
) -> tuple[dict[str, float], dict[str, list[tuple[str, bool]]], set[str]]:
    """Taxonomy topics: weight x damped count of position-weighted matches, title bonus;
    and each one's evidence: its words in the body (with whether each is in the lead) and
    whether the title names it. A topic word inside a name is no evidence."""
    raw: dict[str, float] = {}
    hits: dict[str, list[tuple[str, bool]]] = {}
    n = max(len(body), 1)
    lead = lead_end(body)
    for pos, name, words in _theme_matches(body):
        if _inside_a_name(body, pos, words):
            continue
        # Early mentions (the lede) say more about the story than late ones, and a phrase
        # ("affordable housing") more than a lone common word ("rent").
        phrase = 1.0 if (" " in words or "-" in words) else 0.7
        raw[name] = raw.get(name, 0.0) + phrase * (1.3 - 0.5 * pos / n)
        hits.setdefault(name, []).append((words, pos < lead))
    scores = {name: _WEIGHT[name] * value**0.7 for name, value in raw.items()}
    titled: set[str] = set()
    for pos, name, words in _theme_matches(title):
        if title_word_inside_a_name(title, pos, words, body):
            continue
        scores[name] = scores.get(name, 0.0) + 2.5 * _WEIGHT[name]
        titled.add(name)
    return scores, hits, titled


def _sentence_bounds(text: str) -> list[int]:
    return [m.end() for m in _SENTENCE_END_RE.finditer(text)] + [len(text) + 1]


# What a sentence end's match consumes: a mark, more marks, closing quotes and brackets.
_SENTENCE_END_CHARS = frozenset("\n.!?\"'”’)]")


class _SentenceGroups:
    """Sentence numbers for increasing positions, not counted from the start but in
    order: ``index(a) == index(b)`` exactly when no end of ``_sentence_bounds`` lies in
    ``(a, b]``, as long as no sentence end's match covers a position asked about.

    Only the sentence end just after each new sentence is searched for. The first end
    after an uncovered position is that of the first match starting there, which
    ``search`` finds as ``finditer`` would.
    """

    __slots__ = ("_end", "_number", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._number = 0
        self._end = -1  # the first sentence end after the positions asked about so far

    def index(self, pos: int) -> int:
        if pos >= self._end:
            if self._end >= 0:
                self._number += 1
            m = _SENTENCE_END_RE.search(self._text, pos)
            self._end = m.end() if m is not None else len(self._text) + 1
        return self._number


def _leaders(text: str, mentions: list[EntityMention]) -> dict[str, str]:
    """Surnames of people introduced with their country's office ("Russian President X")."""
    found: dict[str, str] = {}
    for ment in mentions:
        if ment.kind != "place" or place_kind(ment.canonical) != "country":
            continue
        m = _LEADER_RE.match(text, ment.end, min(len(text), ment.end + 80))
        if m:
            surname = m.group(1).split()[-1].rstrip("'’s")
            if len(surname) > 2:
                found.setdefault(surname, ment.canonical)
    return found


def _geo_scores(
    title: str, body: str, people: Sequence[str] = ()
) -> tuple[dict[str, float], dict[str, float], dict[tuple[str, str], float], set[str]]:
    """Place scores (own), country scores (with cities, bodies, leaders), pair strengths.

    A place's name that is a person's name in the article ("Joaquin Phoenix", then
    "Phoenix") or part of a longer name ("St. Louis Park") is not the place.

    A pair of countries gains from every sentence naming both (split when a sentence
    names many), and more when both countries' leaders are named together: that is the
    "two governments interact" signal behind a bilateral-relations topic.
    """
    own: dict[str, float] = {}
    country_score: dict[str, float] = {}
    pairs: dict[tuple[str, str], float] = {}
    actors: set[str] = set()
    # Surnames only: the parser's people can hold an organisation's words at the front.
    named = {words[-1] for words in (p.split() for p in people) if len(words) >= 2}
    for text, is_title in ((title, True), (body, False)):
        if not text:
            continue
        n = max(len(text), 1)
        mentions = mentions_in(text)
        # A title's words are all capitalised: only the people's names tell there.
        counts = [
            0.0 if m.text in named else (1.0 if is_title else _counts_for(text, m))
            for m in mentions
        ]
        mentions = [m for m, c in zip(mentions, counts, strict=True) if c]
        counts = [c for c in counts if c]
        leaders = _leaders(text, mentions)
        actors.update(leaders.values())
        # Sentences only matter for pairs of countries: with fewer than two countries
        # and no leaders there is no pair, and one "sentence" gives the same scores.
        several = len({place_country(m.canonical) for m in mentions} - {None}) >= 2
        # Without leaders only which countries share a sentence matters: the sentence
        # ends are then looked up just after the mentions (_SentenceGroups) instead of
        # scanning every sentence, unless a mention starts where a sentence end's match
        # might cover it.
        groups = (
            _SentenceGroups(text)
            if several
            and not leaders
            and not any(text[m.start] in _SENTENCE_END_CHARS for m in mentions)
            else None
        )
        if leaders or (several and groups is None):
            bounds = _sentence_bounds(text)
        else:
            bounds = [len(text) + 1]
        # countries per sentence index; most sentences name none
        sentences: dict[int, set[str]] = {}
        bi = 0
        for ment, counted in zip(mentions, counts, strict=True):
            while ment.start >= bounds[bi]:
                bi += 1
            kind = place_kind(ment.canonical) if ment.kind == "place" else "org"
            country = place_country(ment.canonical)
            if is_title:
                gain = 4.0
            else:
                # First mention counts most; early mentions (the lede) more than late ones.
                gain = (1.0 if ment.canonical in own else 1.8) * (1.3 - 0.5 * ment.start / n)
                gain *= counted
            if kind != "org" and is_demonym(ment.text, ment.canonical):
                # "Asian women", "a Turkish hospital": the place's adjective, which makes
                # it the story only when its people or its government act.
                acting = _ACTOR_RE.match(text, ment.end, ment.end + 40) or _LEADER_RE.match(
                    text, ment.end, min(len(text), ment.end + 80)
                )
                gain *= 1.0 if acting else DEMONYM_SHARE
            if kind != "org":
                own[ment.canonical] = own.get(ment.canonical, 0.0) + gain
            if kind == "org" and country:
                actors.add(country)  # the Kremlin, the Pentagon: a government acting
            elif kind == "country" and _ACTOR_RE.match(text, ment.end, ment.end + 40):
                actors.add(ment.canonical)
            if country:
                share = 1.0 if kind == "country" else 0.4
                country_score[country] = country_score.get(country, 0.0) + gain * share
                at = bi if groups is None else groups.index(ment.start)
                sentences.setdefault(at, set()).add(country)
        weight = 3.0 if is_title else 1.0
        start = 0
        for i in range(len(bounds)) if leaders else sorted(sentences):
            sent = sentences.get(i, set())
            if leaders:
                end = bounds[i]
                chunk = text[start:end]
                named = {c for s, c in leaders.items() if s in chunk}
                sent |= named
                if len(named) >= 2:
                    for a, b in _pairs_of(named):
                        pairs[(a, b)] = pairs.get((a, b), 0.0) + weight
                start = end
            if len(sent) >= 2:
                share = weight / (len(sent) - 1)
                for a, b in _pairs_of(sent):
                    pairs[(a, b)] = pairs.get((a, b), 0.0) + share
    return own, country_score, pairs, actors


def _inside_a_name(body: str, pos: int, words: str) -> bool:
    """A theme word that is part of a name. A cased word ("Jewish", "NASA") is capitalised
    by nature: only an acronym glued to a name ("Asheville Tea PAC") is inside one."""
    if words in _CASED_TOPIC:
        return words.isupper() and follows_a_name(body, pos)
    return theme_word_inside_a_name(body, pos, words)


def _counts_for(text: str, mention: EntityMention) -> float:
    """What a mention counts for (a place inside a name counts less, or not at all)."""
    return place_share(text, mention.start, mention.end) if mention.kind == "place" else 1.0


def _pairs_of(items: set[str]) -> list[tuple[str, str]]:
    ordered = sorted(items)
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]]


def _trim(ranked: list[tuple[str, float]], family_of: dict[str, str]) -> list[str]:
    """Keep at most 8, dropping redundant topics first (a country already covered by a
    relation topic, a theme whose family already has a better-ranked member)."""
    names = [name for name, _ in ranked]
    while len(names) > _MAX_TOPICS:
        redundant = None
        for idx in range(len(names) - 1, -1, -1):
            name = names[idx]
            higher = names[:idx]
            fam = family_of.get(name)
            if fam and any(family_of.get(h) == fam for h in higher):
                redundant = idx
                break
            if place_kind(name) == "country" and any(
                h.endswith(" relations") and _SHORT.get(name, name) in h.split(" ")[0].split(_DASH)
                for h in names
            ):
                redundant = idx
                break
        if redundant is None:
            del names[_MAX_TOPICS:]
        else:
            del names[redundant]
    return names


def extract_topics(
    title: str,
    body: str,
    places: list[str],
    organisations: list[str],
    people: list[str],
) -> list[str]:
    """3–8 topics, most central first: themes, prominent places and bilateral relations.

    ``places``/``organisations``/``people`` are what the parser already found; places
    listed there but missed in the text scan still count as a weak geographic signal.
    """
    title = title or ""
    body = body or ""
    del organisations  # counted from the text itself, with positions
    themes, hits, titled = _theme_scores(title, body)

    def evidenced(name: str) -> bool:
        return enough_evidence(hits.get(name, []), in_title=name in titled)

    title_places = {m.canonical for m in mentions_in(title) if m.kind == "place"}

    def title_has(place: str) -> bool:
        return place in title_places

    own, _country_score, pairs, actors = _geo_scores(title, body, people)
    for place in places:
        own.setdefault(place, 0.5)

    # A single mention of a country is a topic in a foreign-affairs story (the seed's
    # "developments in Syria were addressed"), colour in a domestic one.
    international = any(
        score >= 5.0 and place != "United States" and place_kind(place) in ("country", "region")
        for place, score in own.items()
    )
    candidates: dict[str, float] = {}
    local: list[tuple[str, float]] = []
    single: list[tuple[str, float]] = []
    for place, score in own.items():
        kind = place_kind(place)
        if place == "United States":
            # The home country of most English-language news: a topic only when it is
            # the story (in the title, or all over the text), not for every "American".
            if score >= 10.0 or (title_has(place) and score >= 6.0):
                candidates[place] = score
        elif kind in ("country", "region"):
            if score >= 2.8:
                candidates[place] = score
            elif international and len(actors) >= 2 and score >= 1.6:
                single.append((place, score))
        elif kind in ("city", "state") and score >= 4.5:
            local.append((place, score))
    local.sort(key=lambda kv: (-kv[1], kv[0]))
    candidates.update(local[:2])  # at most two cities/states: the rest is colour
    single.sort(key=lambda kv: (-kv[1], kv[0]))
    candidates.update(single[:2])
    relations: list[tuple[str, float]] = []
    for (a, b), strength in pairs.items():
        if (
            strength >= 1.5
            and place_kind(a) == "country"
            and place_kind(b) == "country"
            and own.get(a, 0.0) >= 1.5
            and own.get(b, 0.0) >= 1.5
            and a in actors
            and b in actors
        ):
            relations.append((_relation_name(a, b), 1.5 * strength))
    relations.sort(key=lambda kv: (-kv[1], kv[0]))
    for name, score in relations[:2]:
        candidates[name] = score

    # Themes: a real signal only (the title, or the text coming back to it: see
    # topic_evidence); the runner-up of a family is discounted so the list covers
    # different subjects.
    seen_family: dict[str, int] = {}
    top_theme = max(themes.values(), default=0.0)
    for name, score in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0])):
        fam = _FAMILY[name]
        k = seen_family.get(fam, 0)
        seen_family[fam] = k + 1
        adjusted = score * (0.6**k)
        if adjusted >= max(1.6, 0.35 * top_theme) and evidenced(name):
            candidates[name] = adjusted

    ranked = sorted(candidates.items(), key=lambda kv: (-kv[1], kv[0]))
    out = _trim(ranked, _FAMILY)
    if len(out) < _MIN_TOPICS:
        for name, score in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0])):
            if name not in out and score >= 0.9 and evidenced(name):
                out.append(name)
            if len(out) >= _MIN_TOPICS:
                break
    return out
