"""Places and organisations in news text, merged across spellings.

Two sources of mentions:

* gazetteers in ``data/places.txt`` and ``data/organisations.txt`` (countries with their
  demonyms and abbreviations, cities, states, regions, well-known bodies, companies and
  outlets), compiled once at import into a single prefix-trie regex so that one C-level
  scan finds every known surface form, longest first;
* a general pattern for organisations that are not listed: a run of capitalised words
  ending in an organisation word (``... Ministry``, ``... University``, ``... Times``) or an
  organisation word followed by ``of`` + a name (``Ministry of Defence``), plus acronyms
  the article defines itself (``Islamic State (ISIS)``).

People are not this module's business: names glued to ambiguous place words ("Jim Jordan")
are skipped, and nothing here guesses person names.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass

from bot.parsing import cues
from bot.parsing.tokens import trie_regex as _trie_regex

__all__ = [
    "EntityMention",
    "canonical_place",
    "find_entities",
    "is_organisation",
    "mentions_in",
    "place_country",
    "place_kind",
]


@dataclass(slots=True)
class EntityMention:
    """One mention: ``text[start:end]`` is the surface form, ``canonical`` the merged name."""

    start: int
    end: int
    text: str
    canonical: str
    kind: str  # "place" | "organisation"

    # Written out: compiled with mypyc, a class's own __init__ is native code, the one
    # @dataclass generates stays interpreted (docs/performance.md, "Parser, compiled").
    def __init__(self, start: int, end: int, text: str, canonical: str, kind: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.canonical = canonical
        self.kind = kind


@dataclass(frozen=True, slots=True)
class _Entry:
    """What a gazetteer alias stands for."""

    canonical: str
    kind: str  # "place" | "organisation" | "skip"
    subkind: str  # place: country/city/state/region; organisation: "org"
    country: str | None  # country a city lies in / a government body speaks for
    ambiguous: bool = False


# --------------------------------------------------------------------------- loading


def _split_aliases(field: str) -> list[str]:
    return [a.strip() for a in field.split(",") if a.strip()]


def _load() -> tuple[dict[str, _Entry], dict[str, _Entry]]:
    """Read the gazetteers: alias -> entry, and canonical -> entry (places and orgs)."""
    alias_map: dict[str, _Entry] = {}
    canon_map: dict[str, _Entry] = {}

    def add(alias: str, entry: _Entry) -> None:
        ambiguous = alias.startswith("?")
        alias = alias.lstrip("?").strip()
        if alias.startswith("the "):
            alias = alias[4:]  # "the" is never part of the mention
        if not alias:
            return
        if ambiguous:
            entry = _Entry(entry.canonical, entry.kind, entry.subkind, entry.country, True)
        # First definition wins: the files list the most common sense first.
        alias_map.setdefault(alias, entry)

    for raw in (cues.DATA_DIR / "places.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (4 - len(parts))
        subkind, canonical, aliases, country = parts[0], parts[1], parts[2], parts[3]
        ambiguous_canon = canonical.startswith("?")
        canonical = canonical.lstrip("?")
        kind = "skip" if subkind == "skip" else "place"
        entry = _Entry(canonical, kind, subkind, country or None)
        if kind == "place":
            canon_map.setdefault(canonical, entry)
        add(("?" if ambiguous_canon else "") + canonical, entry)
        for alias in _split_aliases(aliases):
            add(alias, entry)

    for raw in (cues.DATA_DIR / "organisations.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (3 - len(parts))
        canonical, aliases, country = parts[0], parts[1], parts[2]
        entry = _Entry(canonical, "organisation", "org", country or None)
        canon_map.setdefault(canonical, entry)
        add(canonical, entry)
        for alias in _split_aliases(aliases):
            add(alias, entry)
    return alias_map, canon_map


_ALIASES, _CANON = _load()
_LOWER_PLACES: dict[str, str] = {}
for _alias, _entry in _ALIASES.items():
    if _entry.kind == "place":
        _LOWER_PLACES.setdefault(_alias.casefold(), _entry.canonical)
for _name, _entry in _CANON.items():
    if _entry.kind == "place":
        _LOWER_PLACES[_name.casefold()] = _entry.canonical
_LOWER_ORGS: dict[str, str] = {
    a.casefold(): e.canonical for a, e in _ALIASES.items() if e.kind == "organisation"
}

# Word boundaries by hand: an alias such as "U.S." ends in a dot, so ``\b`` does not fit.
# No look-behind in front: a pattern that starts with the trie lets the regex engine skip
# straight to possible first letters; the left boundary is checked on each hit instead.
_GAZETTEER_RE = re.compile(
    r"(?:" + _trie_regex(sorted(_ALIASES, key=len, reverse=True)) + r")(?![\w&])"
)
# The few aliases that do not start with a capital ("al-Qaeda", "eurozone") make the
# engine try the trie at every a, c, e and s. A text holding none of them (nearly every
# text) has no hit starting with such a letter, so the capitalised aliases alone give the
# same hits, in half the time. Whether it holds one: a search per group of aliases with
# the same first two letters (a literal start, which the engine finds fast).
_GAZETTEER_CAPS_RE = re.compile(
    r"(?:"
    + _trie_regex(sorted((a for a in _ALIASES if a[0].isupper()), key=len, reverse=True))
    + r")(?![\w&])"
)
_UNCAPPED_GROUPS: dict[str, list[str]] = {}
for _alias in _ALIASES:
    if not _alias[0].isupper():
        _UNCAPPED_GROUPS.setdefault(_alias[:2], []).append(_alias)
_UNCAPPED_ALIAS_RES = [
    re.compile(_trie_regex(sorted(group, key=len, reverse=True)))
    for group in _UNCAPPED_GROUPS.values()
]


def _gazetteer_scan(text: str, start: int, end: int) -> re.Pattern[str]:
    """The gazetteer regex to scan ``text[start:end]`` with (same hits either way)."""
    if any(rx.search(text, start, end) for rx in _UNCAPPED_ALIAS_RES):
        return _GAZETTEER_RE
    return _GAZETTEER_CAPS_RE


_ORG_WORDS = (
    "Ministry|Department|Dept\\.|Agency|Party|Council|Committee|Commission|University|"
    "Institute|Institution|Bank|Inc\\.?|Corp\\.?|Corporation|Company|Co\\.|Ltd\\.?|LLC|Group|"
    "News|Times|Post|Journal|Tribune|Herald|Gazette|Press|Review|Magazine|Network|Networks|"
    "Association|Foundation|Federation|Union|Court|Office|Bureau|Service|Services|Authority|"
    "Organization|Organisation|Fund|Center|Centre|Board|Administration|Assembly|Parliament|"
    "Army|Navy|Force|Forces|Guard|Police|Church|College|School|Hospital|Airlines|Airways|"
    "Motors|Industries|Holdings|Partners|Systems|Technologies|Coalition|Alliance|Movement|"
    "Caucus|Club|Society|Exchange|Reserve|Academy|Trust|Brigade|Brigades|Command|Corps|"
    "Conference|Congress|Cabinet|Senate|Secretariat|Directorate|Inspectorate|Team|Studios|"
    "Pictures|Media|Communications|Broadcasting|Channel|Radio|Television|TV|Observer|"
    "Guardian|Telegraph|Express|Independent|Mail|Monitor|Chronicle|Daily|Weekly|Institute"
)
_CAP = r"[A-Z][\w&'’]*(?:[.-][\w&'’]+)*\.?"


def _org_word_forms(alternation: str) -> list[str]:
    """The words of ``_ORG_WORDS`` spelt out (``Inc\\.?`` -> ``Inc``, ``Inc.``)."""
    forms: list[str] = []
    for alt in alternation.split("|"):
        optional_dot = alt.endswith("\\.?")
        word = alt.removesuffix("\\.?").replace("\\.", ".")
        assert re.fullmatch(r"[A-Za-z]+\.?", word), alt  # nothing else to spell out
        forms += [word, word + "."] if optional_dot else [word]
    return forms


# As a prefix trie rather than 130 alternatives: the same words, tried in half the time
# (at every capital letter the engine followed the alternatives one by one). With the
# lookahead, the longest word wins in both forms ("Networks", "Inc."), so hits are equal.
_ORG_WORD_RE = re.compile(
    r"(?:"
    + _trie_regex(sorted(set(_org_word_forms(_ORG_WORDS)), key=len, reverse=True))
    + r")(?![\w&])"
)
# "... of the Interior", "... for American Progress": a name after the organisation word.
_CAP_WORD = r"[A-Z][\w&'’]*(?:[.-][\w&'’]+)*"  # no trailing dot: that ends a sentence
_ORG_TAIL_RE = re.compile(
    r"[ \t]+(?:of|for|on)[ \t]+(?:the[ \t]+)?"
    # "Fox News on March 3": a date is not part of the name
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun"
    r"|Jul|Aug|Sept?|Oct|Nov|Dec)\b)"
    + _CAP_WORD
    + r"(?:[ \t]+(?:and[ \t]+)?"
    + _CAP_WORD
    + r"){0,3}"
)
_LINKS = frozenset(
    {"of", "for", "and", "on", "the", "de", "du", "des", "la", "le", "al", "el", "&"}
)
_WORD_CHARS = frozenset("&'’.-")
_ABBREVIATIONS = frozenset({"Inc", "Corp", "Co", "Ltd", "Dept", "Bros", "Assn", "Univ", "Jr", "St"})
_ACRONYM_DEF_RE = re.compile(r"[ \t]*\((?:the[ \t]+)?([A-Z][A-Za-z&]{1,7})\)")
_ACRONYM_RE = re.compile(r"(?<![\w&])[A-Z][A-Z&]{1,7}s?(?![\w&])")

# Capitalised words that start sentences or headings, never part of a name.
_STOP_CAPS = frozenset(
    word
    for line in (cues.DATA_DIR / "stopcaps.txt").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)
# Leading words of a generic organisation that may stay (they are part of real names).
_KEEP_LEADING = frozenset({"Federal", "National", "State", "New", "First", "Top"})
_LEGISLATURES = frozenset({"Senate", "House", "Congress", "Assembly", "Parliament", "Cabinet"})
_PARTY_WORDS = frozenset(
    {"GOP", "Republican", "Democratic", "Democrat", "Conservative", "Liberal", "Labour"}
)


def _is_title_case_line(text: str, pos: int) -> bool:
    """True if ``pos`` sits on a short Title Case line (a headline), where capitals mean little."""
    ls = text.rfind("\n", 0, pos) + 1
    le = text.find("\n", pos)
    if le < 0:
        le = len(text)
    if le - ls > 250:
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text[ls:le]) if len(w) > 3]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    # Headlines usually lack a full stop; a sentence needs near-total capitals to count.
    line = text[ls:le].rstrip(" \t\r\"'”’")
    need = 0.9 if line.endswith((".", "!", "?")) else 0.75
    return caps >= need * len(words)


def _prev_word(text: str, start: int) -> str:
    i = start - 1
    if i < 0 or text[i] not in " \t":
        return ""
    while i >= 0 and text[i] in " \t":
        i -= 1
    j = i
    while j >= 0 and (text[j].isalnum() or text[j] in "'’.-"):
        j -= 1
    return text[j + 1 : i + 1]


def _next_word(text: str, end: int) -> str:
    if end >= len(text) or text[end] not in " \t":
        return ""
    i = end
    while i < len(text) and text[i] in " \t":
        i += 1
    j = i
    while j < len(text) and (text[j].isalnum() or text[j] in "'’-"):
        j += 1
    return text[i:j]


def _looks_like_name_part(word: str) -> bool:
    return bool(word) and word[0].isupper() and word.rstrip(".") not in _STOP_CAPS


def _clean_generic(surface: str, offset: int) -> tuple[str, int] | None:
    """Drop sentence-start words from a generic organisation; None if nothing real is left."""
    tokens = surface.split()
    start = offset
    while len(tokens) > 1 and (
        (tokens[0] in _STOP_CAPS and tokens[0] not in _KEEP_LEADING) or tokens[0].islower()
    ):
        start = surface.index(tokens[1], start - offset) + offset
        surface = surface[start - offset :]
        offset = start
        tokens = tokens[1:]
    if len(tokens) < 2 or tokens[-1] in {"of", "for", "on", "and"}:
        return None
    words = [t for t in tokens if t[0].isupper()]
    if len(words) < 2:
        return None
    if tokens[-1] == "Administration" and len(words) < 3:
        return None  # "Trump Administration": a government, not a named body
    if tokens[-1] in _LEGISLATURES and all(t in _PARTY_WORDS for t in tokens[:-1]):
        return None  # "GOP Senate", "Democratic House": the chamber, not a named body
    return surface, start


def _generic_orgs(
    text: str, start: int, end: int, persons: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Spans of organisation-shaped names: capitalised words up to an organisation word
    ("Russian Defense Ministry"), optionally followed by "of"/"for" + a name."""
    spans: list[tuple[int, int]] = []
    last_end = start
    for m in _ORG_WORD_RE.finditer(text, start, end):
        kw_start, kw_end = m.span()
        if kw_start < last_end or (kw_start > 0 and (text[kw_start - 1].isalnum())):
            continue
        if spans and last_end < kw_start <= last_end + 2 and not text[last_end:kw_start].strip(" "):
            # "Acme Holdings Corporation": a second organisation word continues the name.
            tail = _ORG_TAIL_RE.match(text, m.end(), end)
            last_end = tail.end() if tail else m.end()
            spans[-1] = (spans[-1][0], last_end)
            continue
        # Walk left over capitalised words and a few link words, on the same line.
        first = kw_start
        i = kw_start
        floor = max(start, last_end)  # never walk back into the previous name
        caps = links = 0
        last_link = ""
        while caps < 5 and i > floor:
            j = i
            while j > floor and text[j - 1] in " \t":
                j -= 1
            if j == i:
                break
            k = j
            while k > floor and (text[k - 1].isalnum() or text[k - 1] in _WORD_CHARS):
                k -= 1
            word = text[k:j]
            if not word:
                break
            if word in _LINKS:
                links += 1
                if links > 2:
                    break
                last_link = word if first == kw_start else last_link
                i = k
                continue
            if not word[0].isupper() or (word.endswith((".", ",")) and len(word) > 4):
                break
            caps += 1
            links = 0
            first = k
            i = k
        if first == kw_start:
            last_link = ""
        elif last_link in ("and", "&"):
            continue  # "House and Senate": two bodies, not one name
        else:
            first = _trim_left(text, first, kw_start, persons)
        span_end = kw_end
        tail = _ORG_TAIL_RE.match(text, kw_end, end)
        if tail:
            span_end = tail.end()
        elif first == kw_start:
            continue
        if text[span_end - 1] == ".":
            last = text[first:span_end].rsplit(None, 1)[-1]
            if last[:-1].rstrip(".") not in _ABBREVIATIONS and "." not in last[:-1]:
                span_end -= 1  # a full stop, not part of "Inc." or "U.S."
        if text.endswith(("'s", "’s"), first, span_end):
            span_end -= 2  # "the Committee on Benghazi's report": the name ends before 's
        spans.append((first, span_end))
        last_end = span_end
    return spans


_LEFT_WORD_RE = re.compile(r"[^ \t]+")
_INITIAL_RE = re.compile(r"[A-Z]\.")
_GIVEN_NAMES = cues.male_first_names() | cues.female_first_names()
_POSSESSIVE_RE = re.compile(r"['’]s?\Z")


def _trim_left(text: str, first: int, kw_start: int, persons: frozenset[str]) -> int:
    """Where a name found by walking left from its organisation word really starts.

    The walk takes every capitalised word, so it also swallows what stands before the
    name: a possessor that is a person, place, body or date (``Obama's Council of
    Economic Advisers``, ``Ukraine's Foreign Ministry``, but ``Women's Media Center``
    stays whole), a person or a lone noun before ``of`` (``Paul Krugman of the New
    York Times``, ``Leaders of the ...``), a sentence-initial verb before ``the``
    (``Take the Federal Reserve``) and a conjunction (``Britain and the European Union``).
    """
    words = [(m.start(), m.group()) for m in _LEFT_WORD_RE.finditer(text, first, kw_start)]
    for idx in range(len(words) - 1, -1, -1):
        word = words[idx][1]
        after = words[idx + 1][0] if idx + 1 < len(words) else kw_start
        if word[:1].isupper() and _POSSESSIVE_RE.search(word):
            if _possessor(words[: idx + 1], persons):
                return after
            continue
        if word == "of":
            left = [w for _, w in words[:idx]]
            if (
                _person_like(left, persons)
                or (len(left) == 1 and not _ORG_WORD_RE.fullmatch(left[0]))
                or _bare_full_name(left, _prev_word(text, words[0][0]))
            ):
                if idx + 1 < len(words) and words[idx + 1][1] in ("the", "The"):
                    after = words[idx + 2][0] if idx + 2 < len(words) else kw_start
                return after
        if word in ("the", "The") and idx > 0:
            prev = words[idx - 1][1]
            if prev in ("and", "&") or prev[:1].isupper():
                return after
    return first


_DATE_WORDS = frozenset(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December""".split()  # noqa: SIM905
)
_PERSON_TITLES = frozenset(
    "Mr. Mrs. Ms. Dr. Sen. Rep. Gov. Lady Lord Sir Justice Judge Professor Prof.".split()  # noqa: SIM905
)


def _person_like(words: list[str], persons: frozenset[str]) -> bool:
    """A person's name: a title, a middle initial, a known given name or a name the
    article uses for a person."""
    caps = [w for w in words if w[:1].isupper()]
    if not caps or len(caps) != len(words):
        return False
    if any(w in _PERSON_TITLES or _INITIAL_RE.fullmatch(w) for w in caps):
        return True
    if len(caps) >= 2 and caps[0].lower() in _GIVEN_NAMES:
        return True
    return _POSSESSIVE_RE.sub("", caps[-1]).lower() in persons


def _bare_full_name(words: list[str], before: str) -> bool:
    """``Blair Effron`` in ``include Blair Effron of Centerview Partners``: two plain
    capitalised words (no organisation word, no plural like ``Democratic Socialists``)
    not introduced by an article."""
    return (
        len(words) == 2
        and before.lower() not in ("the", "a", "an")
        and all(w[:1].isupper() and w[1:].islower() for w in words)
        and not words[1].endswith("s")
        and not any(w in _STOP_CAPS or _ORG_WORD_RE.fullmatch(w) for w in words)
        and not any(_ALIASES.get(w) is not None for w in words)
    )


def _possessor(words: list[tuple[int, str]], persons: frozenset[str]) -> bool:
    """Whether the possessive word ending ``words`` (with the capitalised words before
    it) names a person, place, known body or date rather than being part of the name."""
    run: list[str] = []
    for _, w in reversed(words):
        if not w[:1].isupper():
            break
        run.insert(0, w)
    bare = _POSSESSIVE_RE.sub("", run[-1])
    phrase = " ".join([*run[:-1], bare])
    if bare in _DATE_WORDS or _person_like([*run[:-1], bare], persons):
        return True
    entry = _ALIASES.get(phrase) or _ALIASES.get(bare)
    return entry is not None and entry.kind in ("place", "organisation")


# The last few calls, so extract_topics can reuse the parser's scan of the same body
# instead of scanning it twice (bounded: memory stays flat however many articles pass).
_RECENT: deque[tuple[str, int, int, list[EntityMention]]] = deque(maxlen=4)


def find_entities(
    text: str, start: int = 0, end: int | None = None, persons: frozenset[str] = frozenset()
) -> list[EntityMention]:
    """Places and organisations in ``text[start:end]`` with offsets into ``text``, sorted.

    ``persons``: lower-cased words of the people the article names, so that
    ``Lasry's Avenue Capital Group`` and ``Ross Sorkin of The New York Times`` lose their
    person."""
    if not text:
        return []
    n = len(text)
    end = n if end is None else max(0, min(end, n))
    start = max(0, min(start, end))
    mentions = _find(text, start, end, persons)
    _RECENT.append((text, start, end, list(mentions)))
    return mentions


def mentions_in(text: str) -> list[EntityMention]:
    """find_entities(text), reusing a recent scan of a text that contains this one."""
    size = len(text)
    for whole, start, end, mentions in reversed(_RECENT):
        if whole is text and start == 0 and end == size:
            return mentions
        if not (size <= len(whole) <= size + 8192):
            continue
        at = whole.find(text, start, end) if size else -1
        if at < 0:
            continue
        stop = at + size
        return [
            EntityMention(m.start - at, m.end - at, m.text, m.canonical, m.kind)
            for m in mentions
            if at <= m.start and m.end <= stop
        ]
    return find_entities(text)


def _find(
    text: str, start: int, end: int, persons: frozenset[str] = frozenset()
) -> list[EntityMention]:
    mentions: list[EntityMention] = []
    covered: list[tuple[int, int]] = []  # every claimed span, skip-list hits included
    mention_at: dict[int, int] = {}  # index in covered -> index in mentions

    for m in _gazetteer_scan(text, start, end).finditer(text, start, end):
        s, e = m.span()
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] in "_&"):
            continue
        surface = m.group()
        entry = _ALIASES.get(surface)
        if entry is None:
            continue
        if entry.kind == "skip":
            covered.append((s, e))
            continue
        if entry.ambiguous and (
            _looks_like_name_part(_prev_word(text, s)) or _looks_like_name_part(_next_word(text, e))
        ):
            continue
        if (
            surface.isupper()
            and len(surface) <= 3
            and (_prev_word(text, s).isupper() or _next_word(text, e).isupper())
        ):
            continue  # "LET US GO": all-capitals running text
        mention_at[len(covered)] = len(mentions)
        mentions.append(EntityMention(s, e, surface, entry.canonical, entry.kind))
        covered.append((s, e))

    # Gazetteer hits do not overlap and come in order, so bisect finds those inside a
    # generic name in O(log n): no quadratic blow-up on huge, name-dense texts.
    gaz_starts = [cs for cs, _ in covered]
    gaz_ends = [ce for _, ce in covered]
    dropped: set[int] = set()
    for s, e in _generic_orgs(text, start, end, persons):
        lo = bisect_right(gaz_ends, s)
        hi = bisect_left(gaz_starts, e)
        inner = range(lo, hi)
        # Overlapping a gazetteer hit: accept only a strictly longer name around it.
        if any(covered[i][0] < s or covered[i][1] > e or covered[i] == (s, e) for i in inner):
            continue
        cleaned = _clean_generic(text[s:e], s)
        if cleaned is None:
            continue
        surface, s = cleaned
        if _is_title_case_line(text, s):
            continue
        # "Ohio Republican Party" is not the Republican Party: drop organisation hits
        # inside the longer name (places inside, as in "Russian Defense Ministry", stay).
        dropped.update(
            i for i in inner if i in mention_at and mentions[mention_at[i]].kind != "place"
        )
        canonical = _LOWER_ORGS.get(surface.casefold(), surface)
        mentions.append(EntityMention(s, e, surface, canonical, "organisation"))
    if dropped:
        gone = {mention_at[i] for i in dropped}
        mentions = [m for k, m in enumerate(mentions) if k not in gone]
    mentions.sort(key=lambda x: (x.start, -x.end))

    # Acronyms the article defines itself: "the Islamic Revolutionary Guard Corps (IRGC)".
    local_acronyms: dict[str, str] = {}
    for mention in mentions:
        if mention.kind == "organisation":
            d = _ACRONYM_DEF_RE.match(text, mention.end, min(end, mention.end + 14))
            if d and d.group(1) not in _ALIASES:
                local_acronyms[d.group(1)] = mention.canonical

    if local_acronyms:
        starts = [m.start for m in mentions]
        ends = [m.end for m in mentions]
        extra: list[EntityMention] = []
        for m in _ACRONYM_RE.finditer(text, start, end):
            word = m.group()
            expansion = local_acronyms.get(word) or local_acronyms.get(word[:-1])
            if expansion is None:
                continue
            s, e = m.span()
            k = bisect_right(starts, s)
            if any(ends[j] > s for j in range(max(0, k - 3), k)) or (
                k < len(starts) and starts[k] < e
            ):
                continue  # part of a longer mention
            extra.append(EntityMention(s, e, word, expansion, "organisation"))
        if extra:
            mentions.extend(extra)
            mentions.sort(key=lambda x: (x.start, -x.end))
    return mentions


def _strip_the(name: str) -> str:
    name = " ".join(name.split())
    if name[:4].lower() == "the ":
        name = name[4:]
    return name


def is_organisation(name: str) -> bool:
    """True for known or organisation-shaped names ("the Pentagon", "Fox News", "Reuters")."""
    if not name or not name.strip():
        return False
    bare = _strip_the(name)
    entry = _ALIASES.get(bare)
    if entry is not None:
        return entry.kind == "organisation"
    if bare.casefold() in _LOWER_ORGS:
        return True
    if bare.casefold() in _LOWER_PLACES:
        return False
    spans = _generic_orgs(bare, 0, len(bare))
    return any(s == 0 and e == len(bare) for s, e in spans) and (
        _clean_generic(bare, 0) is not None
    )


def canonical_place(name: str) -> str | None:
    """The merged place name for a spelling ("Ukrainian" -> "Ukraine"), or None if unknown."""
    if not name or not name.strip():
        return None
    bare = _strip_the(name).rstrip("’'s") if name.endswith(("'s", "’s")) else _strip_the(name)
    entry = _ALIASES.get(bare)
    if entry is not None:
        return entry.canonical if entry.kind == "place" else None
    return _LOWER_PLACES.get(bare.casefold())


def place_kind(name: str) -> str | None:
    """country / city / state / region for a canonical place name (None if unknown)."""
    entry = _CANON.get(name)
    return entry.subkind if entry is not None and entry.kind == "place" else None


def place_country(name: str) -> str | None:
    """The country a place lies in, or the government an organisation speaks for."""
    entry = _CANON.get(name)
    if entry is None:
        return None
    if entry.kind == "place" and entry.subkind == "country":
        return entry.canonical
    return entry.country
