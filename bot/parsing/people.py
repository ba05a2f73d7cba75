"""People: who is named in an article, under which full name, with which role and gender.

A person is found from a run of capitalised words that looks like a personal name (a
known given name, a title such as ``Sen.`` or ``Mr.``, a middle initial) and is then
recognised again by surname (``Ushakov``), by full name, or by the role they were
introduced with (``the aide``). Mentions are kept in text order so that pronouns and
role nouns can be resolved to the nearest fitting person before them.
"""

# ruff: noqa: SIM905  (word lists read best as one string)
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from bot.parsing import cues

_NAME_TOKEN = r"(?:Mc|Mac|O['’]|D['’]|L['’])?[A-Z][\w]*(?:[-'’][A-Z]\w*)*"
_INITIAL = r"[A-Z]\.(?:[A-Z]\.)*"
_PARTICLE = r"(?:de|van|von|der|den|la|le|da|du|del|della|bin|ibn|al|el|ben|dos|di)"
_ABBR_TITLE = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Lt|Gen|Col|Sgt|Capt|Prof|Rev|Adm|Maj|Atty|Sec|Pres|Hon|Cmdr)\."
)
_SUFFIX = r"(?:,?[ \u00a0]+(?:Jr\.?|Sr\.?|II|III|IV)(?![\w]))"
_CAPITALS_BY_REST: dict[str, str] = {}  # "r" -> "MD" (Mr, Dr)
for _t in _ABBR_TITLE[3:-3].split("|"):
    _CAPITALS_BY_REST[_t[1:]] = _CAPITALS_BY_REST.get(_t[1:], "") + _t[0]
# The first word of a run with its capital already consumed: the same three alternatives
# (title, initial, name token), so the whole pattern starts with a character class and
# the regex engine can skip straight to capitals (a leading look-behind would defeat that).
# The capital a title or a Mc/O' prefix needs is checked by a look-behind after the
# letters that follow it: an alternative opening with a plain letter is skipped at once
# when the text does not have that letter, one opening with a look-behind is not. (No two
# titles fit before the same ".", so the new order of the alternatives matches the same.)
_FIRST_REST = (
    "(?:(?:"
    + "|".join(f"{rest}(?<=[{caps}]{rest})" for rest, caps in _CAPITALS_BY_REST.items())
    + r")\.|\.|(?:c(?<=Mc)[A-Z]|ac(?<=Mac)[A-Z]|['’](?<=[ODL]['’])[A-Z])?\w*(?:[-'’][A-Z]\w*)*)"
)
# Every word after the first opens with a capital or a particle's first letter: the
# look-ahead ends a run at the first other word ("Trump said") before the particle and
# title alternatives are tried one by one (same matches, a sixth less scan time).
_NEXT_WORD_START = "(?=[A-Z" + "".join(sorted({p[0] for p in _PARTICLE[3:-1].split("|")})) + "])"
NAME_RUN = re.compile(
    rf"[A-Z](?<![\w’'\-.].){_FIRST_REST}"
    rf"(?:[ \u00a0]+{_NEXT_WORD_START}"
    rf"(?:{_PARTICLE}[ \-])?(?:{_ABBR_TITLE}|{_INITIAL}|{_NAME_TOKEN}))*"
    rf"{_SUFFIX}?"
)
_TOKEN_SPLIT = re.compile(r"[ \u00a0]+")
_WORD = re.compile(r"[^ \u00a0]+")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_INITIAL_RE = re.compile(_INITIAL)
_LETTER_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CONTRACTION = re.compile(r"['’](?:t|ll|re|ve|d|m)(?!\w)")
_APOSTROPHES = frozenset("'’")

_GENDER = cues.first_name_gender()
TITLE_LIKE = cues.TITLES | cues.TITLE_PREFIXES
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


@dataclass(slots=True)
class PersonRecord:
    """A person known in this article."""

    name: str
    tokens: tuple[str, ...]
    gender: str | None = None  # "m" | "f" | None
    role: str | None = None
    role_rank: int = 0  # 2: appositive/dash role, 1: role before the name
    mentions: int = 0
    first: int = 0  # offset of the first mention
    is_person: bool = True

    # Written out: compiled with mypyc, a class's own __init__ is native code, the one
    # @dataclass generates stays interpreted (docs/performance.md, "Parser, compiled").
    def __init__(
        self,
        name: str,
        tokens: tuple[str, ...],
        gender: str | None = None,
        role: str | None = None,
        role_rank: int = 0,
        mentions: int = 0,
        first: int = 0,
        is_person: bool = True,
    ) -> None:
        self.name = name
        self.tokens = tokens
        self.gender = gender
        self.role = role
        self.role_rank = role_rank
        self.mentions = mentions
        self.first = first
        self.is_person = is_person

    @property
    def surname(self) -> str:
        toks = [t for t in self.tokens if t.lower().rstrip(".") not in _SUFFIXES]
        return toks[-1] if toks else self.tokens[-1]


@dataclass(slots=True)
class Mention:
    """A name (or surname) in the text that refers to ``person``."""

    start: int
    end: int
    person: int
    title: str | None = None  # title word(s) right before the name
    in_quote: bool = False  # said inside a quotation (not a narrative mention)

    # Written out for mypyc (see PersonRecord).
    def __init__(
        self, start: int, end: int, person: int, title: str | None = None, in_quote: bool = False
    ) -> None:
        self.start = start
        self.end = end
        self.person = person
        self.title = title
        self.in_quote = in_quote


@dataclass(slots=True)
class People:
    """All persons and their mentions, with lookups used by attribution."""

    persons: list[PersonRecord] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    by_key: dict[str, int] = field(default_factory=dict)
    surnames: dict[str, list[int]] = field(default_factory=dict)
    given: dict[str, list[int]] = field(default_factory=dict)  # first name -> full names
    words: set[int] = field(default_factory=set)  # "Aides", "Reprising": not names at all
    # common words that are someone's surname here ("King" of Gayle King, "May")
    word_names: set[str] = field(default_factory=set)

    def at(self, start: int, end: int) -> Mention | None:
        """The mention overlapping ``[start, end)``, if any (the last one)."""
        i = bisect.bisect_left(self.starts, end) - 1
        while i >= 0:
            m = self.mentions[i]
            if m.end <= start:
                return None
            if m.start < end:
                return m
            i -= 1
        return None

    def before(self, pos: int) -> int:
        """Index just past the last mention that starts before ``pos``."""
        return bisect.bisect_left(self.starts, pos)

    def lookup(self, name: str) -> int | None:
        """Resolve a written name (full, surname, first name) to a known person."""
        toks = clean_tokens(name)
        if not toks:
            return None
        key = " ".join(t.lower() for t in toks)
        if key in self.by_key:
            return self.by_key[key]
        last = toks[-1].lower()
        return self.by_key.get(last)


def clean_tokens(name: str) -> list[str]:
    """Name tokens without titles, possessive and suffixes (``Sen. Ted Cruz's`` -> Ted Cruz)."""
    toks = [t for t in _TOKEN_SPLIT.split(name.strip()) if t]
    if toks:
        toks[-1] = _POSSESSIVE.sub("", toks[-1])
    while toks and (toks[0].lower() in TITLE_LIKE or toks[0].lower() in cues.NON_NAME_WORDS):
        toks.pop(0)
    while toks and toks[-1].lower().rstrip(",") in _SUFFIXES:
        toks.pop()
    return [t for t in toks if t]


def gender_of_first(first: str) -> str | None:
    """Gender guessed from a given name, None when unknown or ambiguous."""
    return _GENDER.get(first.lower())


_ROLE_AFTER = re.compile(
    r",[ \u00a0]+(?:\d{1,3},[ \u00a0]+)?"  # "Sara Walker, 44, a home-care aide"
    r"([\w][^,;:.!?()\"“”\n]{2,120}?)(?=[,.;:!?)\"“”\n]|$|\s—)"
)
# First words of a phrase after "Name," that is no appositive: a clause, a list, an aside.
_ROLE_BAD_START = frozenset(
    """and or but nor so yet on in at with along after before during for from by to as
    like including despite amid who which whose that this these those there here he she
    they it we i you not also however meanwhile when while where if because although
    though than then now especially even only just both either neither whether is are was
    were has have had will would can could should may might must do does did been be""".split()
)
# The word right after "Name, ": where it fits _ROLE_BAD_START or is a verb, it is the
# first word of any _ROLE_AFTER phrase there (a word of letters leaves no room for the
# "44, " of an age, and the phrase's characters are the word's up to a space or a mark).
_FIRST_AFTER_COMMA = re.compile(r",[ \u00a0]+([^\s,;:.!?()\"“”]+)")


def _no_role_start(first: str) -> bool:
    """A phrase opening with ``first`` (lower case) is no appositive: a clause or a verb."""
    return first in _ROLE_BAD_START or first in cues.REPORTING_FORMS


_ROLE_CLAUSE = re.compile(r"\s(?:who|whose|which|that|where|when)\s")
# Abbreviated titles spelt out in a role ("former Florida Gov." -> "former Florida
# Governor"); honorifics (Mr., Dr.) never get this far.
_ROLE_ABBR = {
    "sen.": "Senator",
    "rep.": "Representative",
    "gov.": "Governor",
    "lt.": "Lieutenant",
    "gen.": "General",
    "sec.": "Secretary",
    "pres.": "President",
    "atty.": "Attorney",
    "prof.": "Professor",
    "adm.": "Admiral",
    "col.": "Colonel",
    "capt.": "Captain",
    "sgt.": "Sergeant",
    "maj.": "Major",
    "rev.": "Reverend",
    "cmdr.": "Commander",
}
ROLE_PRE_WORDS = frozenset(
    """former presidential senior top chief deputy assistant acting then longtime campaign
    press communications national political foreign domestic defense republican
    democratic independent conservative liberal progressive white house state federal
    vice executive managing general lead principal special economic policy legal media
    digital data finance deputy""".split()
)
_ABBR_END = re.compile(r"(?<![\w.])(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|St|Jr|Sr|Inc|Lt|Gen|[A-Z]\.[A-Z])\Z")
_ROLE_MORE = re.compile(r"[^,;:.!?()\"“”\n]*")
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx", "sir", "dame"})
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_WORD_BACK = re.compile(r"([\w.’'\-]+)[ \u00a0]*$")
_WORD_BACK_REVERSED = re.compile(r"[ \u00a0]*([\w.’'\-]+)")
_WORD_BACK_LAST = frozenset(" \u00a0_.’'-")  # with the alphanumerics: what the match opens on


_NAME_START = re.compile(r"[A-Z][a-z]")
# Lower-case words that _role_before does not stop at: any other plain lower-case word
# ends the walk, and most names follow one.
_ROLE_BEFORE_WORDS = (
    _HONORIFICS | cues.ROLE_NOUNS | cues.TITLES | ROLE_PRE_WORDS | frozenset({"of"})
)
_HAS_LETTER = re.compile(r"[^\W\d_]")


def _strip_possessive(word: str) -> str:
    """``_POSSESSIVE.sub("", word)`` for a word without a newline (what "$" also matches
    before), by looking at its last two characters instead of a regex call."""
    end = word[-1:]
    if end in _APOSTROPHES:
        return word[:-1]
    if end == "s" and word[-2:-1] in _APOSTROPHES:
        return word[:-2]
    return word


def _role_word(word: str) -> bool:
    """A word that makes a phrase a role (``head``, ``spokesman``, ``Obama's aide``)."""
    wl = _strip_possessive(word.lower())
    return wl in cues.ROLE_WORDS or wl.rstrip(".") in cues.ROLE_WORDS


def _abbreviation(word: str) -> bool:
    """A full stop that ends an abbreviation (``Gov.``, ``U.S.``, ``D.``), not a sentence."""
    bare = word[:-1]
    return (
        len(bare) <= 1 or "." in bare or word.lower() in _ROLE_ABBR or bare.lower() in _HONORIFICS
    )


def _word_back(text: str, pos: int) -> tuple[int, str] | None:
    """The word before ``pos`` and its offset: ``_WORD_BACK.search(text, pos - 40, pos)``
    without trying every start in the window (a match on the reversed window)."""
    lo = max(0, pos - 40)
    end = pos
    if end > lo and text[end - 1] == "\n":
        end -= 1  # "$" also matches before a final newline
    if end <= lo or not (text[end - 1] in _WORD_BACK_LAST or text[end - 1].isalnum()):
        return None  # no space or word character right before: no match (a quote mark, "(")
    m = _WORD_BACK_REVERSED.match(text[lo:end][::-1])
    if m is None:
        return None
    start = end - m.end()
    return start, text[start : end - m.start(1)]


def _plain_word_before(text: str, pos: int) -> bool:
    """``_word_back(text, pos)`` is a lower-case word of ASCII letters that no role holds,
    one space before ``pos``: found with a search for that space instead of the regex."""
    if text[pos - 1 : pos] != " ":
        return False
    space = text.rfind(" ", max(0, pos - 40), pos - 1)
    if space < 0:
        return False
    word = text[space + 1 : pos - 1]
    return word.isascii() and word.isalpha() and word.islower() and word not in _ROLE_BEFORE_WORDS


class PeopleFinder:
    """Builds :class:`People` for one text."""

    def __init__(self, text: str, is_org: object | None = None) -> None:
        self.text = text
        self.people = People()
        self._is_org = is_org
        self._np_cache: dict[str, bool] = {}

    # -- roles -------------------------------------------------------------------
    def _role_before(self, start: int, title: str | None) -> str | None:
        """``Russian President`` / ``Putin's aide`` / ``Democratic presidential candidate``."""
        text = self.text
        if _plain_word_before(text, start):
            return None  # "said Trump", "and Clinton": the walk below would stop at once
        words: list[str] = []
        pos = start
        has_role = bool(title)
        for _ in range(6):
            found = _word_back(text, pos)
            if found is None:
                break
            w_start, w = found
            if w.isalpha() and w.islower() and w not in _ROLE_BEFORE_WORDS:
                break  # a plain lower-case word ("said", "and"): what the tests below find
            wl = w.lower().rstrip(".")
            if not _HAS_LETTER.search(w) or (w[-1] == "." and not _abbreviation(w)):
                break  # "... in Cairo. Egyptian Foreign Minister": the sentence before
            base = _strip_possessive(wl)
            if wl in _HONORIFICS:
                pos = w_start
                continue  # "Mr." says nothing about the role
            if wl in cues.ROLE_NOUNS or wl in cues.TITLES or w.lower() in cues.TITLES:
                has_role = True
            elif w == "New" and words and words[-1][:1].isupper():
                pass  # "New Jersey Gov."
            elif w == "of" and words and words[-1][:1].isupper():
                # "Secretary of State", "Bank of England Governor"
                prev = _word_back(text, w_start)
                if prev is None or not (
                    _role_word(prev[1])
                    or (prev[1][:1].isupper() and prev[1].lower() not in cues.NON_NAME_WORDS)
                ):
                    break
            elif (
                wl in ROLE_PRE_WORDS
                or (w[0].isupper() and wl not in cues.NON_NAME_WORDS)
                or base != wl
            ):
                pass
            else:
                break
            words.append(w)
            pos = w_start
            if base != wl:  # "Putin's aide": a possessive opens the phrase
                break
        if not has_role or not words:
            return None
        words.reverse()
        if title and title.lower().rstrip(".") not in _HONORIFICS:
            tw = title.split()
            if words[-len(tw) :] != tw:
                words.extend(tw)
        return " ".join(_ROLE_ABBR.get(w.lower(), w) for w in words)

    def _role_after(self, end: int) -> str | None:
        """``Yuri Ushakov, aide to the President of Russia``: an appositive with a role noun."""
        if not self.text.startswith(",", end):
            return None  # the pattern opens with a comma: most names are not followed by one
        first = _FIRST_AFTER_COMMA.match(self.text, end)
        if first is not None and _no_role_start(first.group(1).lower()):
            # "Trump, who ...", "..., said ...": the test on the phrase's first word
            # below, made before the phrase is looked for (that word would open it)
            return None
        m = _ROLE_AFTER.match(self.text, end, min(len(self.text), end + 160))
        if not m:
            return None
        role = m.group(1).strip()
        pos = m.end(1)
        for _ in range(3):
            # "a former spokesman for Mr. Obama": that period ends an abbreviation
            if not (
                self.text.startswith(".", pos) and _ABBR_END.search(self.text, max(0, pos - 8), pos)
            ):
                break
            more = _ROLE_MORE.match(self.text, pos + 1, min(len(self.text), pos + 120))
            if not more:
                break
            pos = more.end()
        role = self.text[m.start(1) : pos].strip()
        words = role.split()
        if _no_role_start(words[0].lower()):
            return None  # "..., on a call with reporters", "..., said ..."
        k = next((k for k, w in enumerate(words[:6]) if _role_word(w)), None)
        if k is None:
            return None
        if (
            k + 1 < len(words)
            and _NAME_START.match(words[k + 1])
            and not _POSSESSIVE.search(words[k + 1])
        ):
            # "Jeb Bush, New Jersey Gov. Chris Christie, ...", "Clinton, campaign manager
            # Robby Mook and ...": the next person of a list
            return None
        clause = _ROLE_CLAUSE.search(role)
        if clause is not None:
            role = role[: clause.start()]  # "editor who wrote the profile" -> "editor"
        return _ARTICLE.sub("", role)

    # -- main --------------------------------------------------------------------
    def find(
        self,
        spans: list[tuple[int, int]],
        quoted: list[tuple[int, int]],
        headline: tuple[int, int] | None = None,
    ) -> People:
        """Find people in the given text spans; names inside ``quoted`` count but are marked.

        In a Title Case ``headline`` every word is capitalised, so a run there only names
        someone the body names too (``Hillary Releasing Her ...`` -> ``Hillary``).
        """
        text = self.text
        pending: list[tuple[int, int, _Run]] = []
        append = pending.append
        cache = _RUN_CACHE
        title_case = headline is not None and _title_case(text[headline[0] : headline[1]])
        word_runs: list[tuple[int, int, str, str | None]] = []
        shapes = _WORD_SHAPES
        for s, e in spans:
            for m in NAME_RUN.finditer(text, s, e):
                raw = m.group()
                base, after = m.span()
                # (a contraction needs an apostrophe right after: checked before the regex)
                apostrophe = text[after : after + 1] in _APOSTROPHES
                if apostrophe and _CONTRACTION.match(text, after):
                    # "Don't", "We'll": the last word is a verb or pronoun, not a name
                    cut = max(raw.rfind(" "), raw.rfind("\u00a0"))
                    if cut < 0:
                        continue
                    raw = raw[:cut].rstrip(" \u00a0")
                if raw in cache:
                    hit = cache[raw]
                else:
                    if len(cache) >= _RUN_CACHE_MAX:
                        cache.clear()
                        shapes.clear()
                    hit = cache[raw] = _name_in_run(raw)
                if hit is not None:
                    if apostrophe:
                        if _part_of_a_thing(text, base, after, hit):
                            continue
                    elif hit[2].bare and hit[0] == 0 and text[max(0, base - 4) : base] == "the ":
                        continue  # "the Pentagon" (_part_of_a_thing without an apostrophe)
                    append((base + hit[0], base + hit[1], hit[2]))
                elif raw[-1:].islower():
                    if raw in shapes:
                        shape = shapes[raw]
                    else:
                        shape = shapes[raw] = _word_surname_shape(raw)
                    if shape is not None:
                        cand = _word_surname(text, base, shape)
                        if cand is not None:
                            word_runs.append(cand)
        if word_runs:
            pending = self._with_word_surnames(pending, word_runs)
        if title_case:
            pending = self._confirm_headline(pending, headline)  # type: ignore[arg-type]
        self._register(pending, quoted)
        return self.people

    def _with_word_surnames(
        self,
        pending: list[tuple[int, int, _Run]],
        word_runs: list[tuple[int, int, str, str | None]],
    ) -> list[tuple[int, int, _Run]]:
        """``King asked``, ``said May``: a common word (or title) standing alone is a
        mention of the article's Gayle King or Theresa May when a full name ends in it."""
        surnames = {
            _strip_possessive(run.toks[-1]).lower()
            for _s, _e, run in pending
            if len(run.toks) >= 2 and not run.company and run.toks[0].lower() not in TITLE_LIKE
        }
        extra = []
        for start, end, word, title in word_runs:
            if word.lower() in surnames:
                extra.append((start, end, _make_run((word,), title)))
                self.people.word_names.add(word)
        if not extra:
            return pending
        return sorted(pending + extra, key=itemgetter(0))

    def _is_person_like(self, toks: tuple[str, ...], title: str | None) -> str | None:
        """'yes' when clearly a person, 'maybe' for a bare multiword name, None if not."""
        return _person_like(toks, title)

    def _confirm_headline(
        self, pending: list[tuple[int, int, _Run]], headline: tuple[int, int]
    ) -> list[tuple[int, int, _Run]]:
        """Keep headline runs (or their longest leading part) that the body names too."""
        hs, he = headline
        known: set[str] = set()
        for start, _end, run in pending:
            if not hs <= start < he:
                known.add(run.key)
                if len(run.toks) >= 2:
                    known.add(run.toks[0].lower())
                    known.add(run.toks[-1].lower())
        out: list[tuple[int, int, _Run]] = []
        for start, end, run in pending:
            if (
                not hs <= start < he
                or run.key in known
                or (run.sure and len(run.toks) <= 3 and run.toks[-1].lower() in known)
            ):
                # named in the body too, or a given name with a surname the body uses
                out.append((start, end, run))
                continue
            toks = run.toks
            for n in range(len(toks) - 1, 0, -1):
                part = toks[:n]
                if " ".join(t.lower() for t in part) in known:
                    pos = start
                    for t in part:
                        pos = self.text.index(t, pos) + len(t)
                    out.append((start, pos, _make_run(part, run.title)))
                    break
        return out

    def _register(
        self, pending: list[tuple[int, int, _Run]], quoted: list[tuple[int, int]]
    ) -> None:
        ppl = self.people
        by_key = ppl.by_key
        persons = ppl.persons
        mentions = ppl.mentions
        non_person = self._is_org
        text = self.text
        # pass 1: full names that clearly name a person, so surnames can find them
        for start, _end, run in pending:
            if run.sure and not run.company and run.key not in by_key:
                self._new_person(run, start, True)
        # pass 2: every mention in order; unknown names become tentative persons
        for start, end, run in pending:
            toks = run.toks
            title = run.title
            pid = by_key.get(run.key)
            if pid is None and run.first_last is not None:
                # "Hillary Clinton" for "Hillary Rodham Clinton"
                pid = by_key.get(run.first_last)
            if pid is not None and len(toks) == 1 and title:
                # "Mrs. Lang" is not Robert Lang: pick the namesake of the title's gender
                want = run.title_gender
                if want and persons[pid].gender not in (None, want):
                    pid = next(
                        (
                            q
                            for q in ppl.surnames.get(run.key, ())
                            if persons[q].gender in (None, want)
                        ),
                        None,
                    )
            if pid is None and len(toks) == 1 and run.title is None:
                # a lone "Hillary" or "Bernie" is the one person of that given name
                same = ppl.given.get(run.key)
                if same is not None and len(same) == 1:
                    pid = same[0]
            if pid is None:
                kind = run.kind
                if kind is None:
                    continue
                if kind == "maybe" and non_person is not None:
                    np_ = self._np_cache.get(run.joined)
                    if np_ is None:
                        np_ = self._np_cache[run.joined] = bool(non_person(run.joined))  # type: ignore[operator]
                    if np_:
                        continue
                if run.company:
                    continue
                pid = self._new_person(run, start, kind == "yes")
            rec = persons[pid]
            if title:
                if rec.gender is None and run.title_gender is not None:
                    rec.gender = run.title_gender
                if run.person_title:
                    rec.is_person = True
            rec.mentions += 1
            inq = _inside(quoted, start)
            if not inq and rec.mentions <= 4:
                # (the appositive opens with a comma: most names are not followed by one)
                if rec.role_rank < 2 and text.startswith(",", end):
                    role = self._role_after(end)
                    if role:
                        rec.role, rec.role_rank = role, 2
                if rec.role_rank < 1:
                    role = self._role_before(start, title)
                    if role:
                        rec.role, rec.role_rank = role, 1
                if rec.role_rank:
                    rec.is_person = True
            mentions.append(Mention(start, end, pid, title, inq))
        mentions.sort(key=_mention_start)
        ppl.starts = [m.start for m in mentions]

    def _new_person(self, run: _Run, start: int, sure: bool) -> int:
        ppl = self.people
        toks = run.toks
        gender = run.title_gender
        if gender is None:
            # a lone given name ("Bob said") is a person too
            gender = gender_of_first(toks[0])
            sure = sure or (len(toks) == 1 and gender is not None)
        pid = len(ppl.persons)
        ppl.persons.append(PersonRecord(run.joined, toks, gender, first=start, is_person=sure))
        ppl.by_key[run.key] = pid
        if run.first_last is not None:
            last = toks[-1].lower()
            ppl.by_key.setdefault(last, pid)
            ppl.surnames.setdefault(last, []).append(pid)
            ppl.by_key.setdefault(run.first_last, pid)
            for k in range(1, len(toks) - 1):
                # "Abu Hatab" and "Bader Ginsburg" for "Walid Abu Hatab", "Ruth Bader Ginsburg"
                ppl.by_key.setdefault(" ".join(t.lower() for t in toks[k:]), pid)
            if gender is not None:
                ppl.given.setdefault(toks[0].lower(), []).append(pid)
        return pid


_mention_start = attrgetter("start")


def _person_like(toks: tuple[str, ...], title: str | None) -> str | None:
    """'yes' when clearly a person, 'maybe' for a bare multiword name, None if not."""
    if title and title.split()[-1].lower() in cues.PERSON_TITLES:
        return "yes"
    if len(toks) >= 2 and gender_of_first(toks[0]):
        return "yes"
    if len(toks) >= 3 and _INITIAL_RE.fullmatch(toks[1]):
        return "yes"
    if any(t.isupper() and len(t) > 1 for t in toks):
        return None  # acronyms: FBI, GOP, CNN
    if len(toks) >= 2 and all(t[0].isupper() for t in toks):
        return "maybe"
    return None


class _Run:
    """What a name's words alone say about it, worked out once per distinct run.

    Never changed once made, as runs are shared across articles through _RUN_CACHE. A
    plain class, not a named tuple: compiled, its fields are read natively, and the
    people finder reads them for every mention.
    """

    __slots__ = (
        "bare",
        "company",
        "first_last",
        "joined",
        "key",
        "kind",
        "person_title",
        "sure",
        "title",
        "title_gender",
        "toks",
    )

    toks: tuple[str, ...]
    title: str | None
    key: str  # lower-cased full name: the by_key index
    first_last: str | None  # "hillary clinton" for "Hillary Rodham Clinton"
    joined: str
    sure: bool  # a multiword name that clearly names a person
    kind: str | None  # "yes" / "maybe" / None when not yet known as a person
    company: bool  # holds an organisation word ("Trump Campaign")
    title_gender: str | None
    person_title: bool  # the title marks a person ("Sen.", "Mrs.")
    bare: bool  # one word and no title: "the" before it may make it a thing's name

    def __init__(
        self,
        *,
        toks: tuple[str, ...],
        title: str | None,
        key: str,
        first_last: str | None,
        joined: str,
        sure: bool,
        kind: str | None,
        company: bool,
        title_gender: str | None,
        person_title: bool,
        bare: bool,
    ) -> None:
        self.toks = toks
        self.title = title
        self.key = key
        self.first_last = first_last
        self.joined = joined
        self.sure = sure
        self.kind = kind
        self.company = company
        self.title_gender = title_gender
        self.person_title = person_title
        self.bare = bare


def _part_of_a_thing(text: str, start: int, end: int, hit: tuple[int, int, _Run]) -> bool:
    """A run that the text makes part of something else: ``the Reich's``, ``the Pentagon``
    (a one-word name after a lower-case "the"), ``Colleges Employers’ Association`` (a
    possessive that an organisation's word follows), ``Aisha's Salon`` (a possessive before
    a capitalised shop or venue: the business's name)."""
    if text[end : end + 1] in _APOSTROPHES:
        nxt = _WORD.match(text, end + 2 if text[end + 1 : end + 2] == " " else end + 3)
        if nxt is not None:
            head = nxt.group().lower()
            if head in cues.COMPANY_WORDS or (
                head in cues.VENUE_WORDS and nxt.group()[:1].isupper()
            ):
                return True
    if hit[2].bare and hit[0] == 0:
        return text[max(0, start - 4) : start] == "the "
    return False


def _thing_head(last: str) -> bool:
    """``Trump Tower``, ``World War``: a name's last word that names a thing, never a person."""
    return last in cues.THING_HEADS


def _hyphen_thing(part: str) -> bool:
    """``Anna-Mungunda-Allee``, ``Spokesman-Review``: the end of a hyphenated name of a street
    or an organisation."""
    return part in cues.STREET_ENDS or part in cues.COMPANY_WORDS


def _make_run(toks: tuple[str, ...], title: str | None) -> _Run:
    kind = _person_like(toks, title)
    if kind is None and len(toks) == 1 and _plain_word(toks[0]):
        kind = "maybe"
    tl = title.split()[-1].lower() if title else None
    lowered = [t.lower() for t in toks]
    last = lowered[-1]
    return _Run(
        toks=toks,
        title=title,
        key=" ".join(lowered),
        first_last=f"{lowered[0]} {last}" if len(toks) >= 2 else None,
        joined=" ".join(toks),
        sure=len(toks) >= 2 and kind == "yes",
        kind=kind,
        company=not cues.COMPANY_WORDS.isdisjoint(lowered)
        or (len(toks) >= 2 and _thing_head(last))
        or ("-" in last and _hyphen_thing(last.rpartition("-")[2]))
        or (len(toks) >= 2 and last in cues.OFFICE_HEADS)
        or (len(toks) >= 2 and last in cues.THING_HEADS_WEAK and gender_of_first(toks[0]) is None),
        title_gender=_title_gender(title) if title else None,
        person_title=tl is not None and tl in cues.PERSON_TITLES,
        bare=len(toks) == 1 and title is None,
    )


def _title_case(line: str) -> bool:
    """A headline in Title Case: most longer words capitalised, so capitals say little."""
    words = [w for w in _LETTER_WORD.findall(line) if len(w) > 3]
    if len(words) < 3:
        return False
    return sum(1 for w in words if w[0].isupper()) >= 0.75 * len(words)


def _title_gender(title: str) -> str | None:
    tl = title.split()[-1].lower()
    if tl in cues.MALE_TITLES:
        return "m"
    if tl in cues.FEMALE_TITLES:
        return "f"
    return None


def _plain_word(tok: str) -> bool:
    """A capitalised word that could be a surname (not an acronym or sentence word)."""
    return (
        len(tok) > 1
        and not tok.isupper()
        and tok.lower() not in cues.NON_NAME_WORDS
        and tok.lower() not in TITLE_LIKE
        and not tok.endswith(".")
    )


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


# A run's reading depends on its words only, and the same runs ("Trump", "Hillary
# Clinton", "The") recur within and across articles: remember the last few thousand.
_RunReading = tuple[int, int, _Run] | None
_RUN_CACHE: dict[str, _RunReading] = {}
_RUN_CACHE_MAX = 50_000


def _title_cut(toks: list[str], i: int) -> tuple[int, int] | None:
    """Where the last title inside ``toks[i:]`` starts and its name starts, or None.

    An office title (``Minister``, ``Administrator``) or an abbreviated one (``Gov.``)
    followed by capitalised words ends the role part of the run. Not when the title word
    is itself a surname after a given name (``Steve King``, ``John Major``) or only a
    suffix follows (``Martin Luther King Jr.``). Role words after the title stay in the
    role (``Chief Executive Officer`` ... ``Chief Operating Officer``).
    """
    n = len(toks)
    for j in range(n - 2, i, -1):
        tl = toks[j].lower()
        if tl not in cues.PERSON_TITLES and tl not in cues.TITLES:
            continue
        if tl not in cues.PERSON_TITLES and gender_of_first(toks[j - 1]):
            continue
        k = j + 1
        while k < n - 1 and toks[k].lower() in ROLE_PRE_WORDS:
            k += 1
        rest = [t for t in toks[k:] if t.lower().rstrip(",") not in _SUFFIXES]
        if not rest or rest[0].lower() in cues.NON_NAME_WORDS or rest[0].lower() in TITLE_LIKE:
            continue
        last = rest[-1].lower()
        if last in cues.THING_HEADS or last in cues.THING_HEADS_WEAK or last in cues.COMPANY_WORDS:
            continue  # "Martin Luther King Day", "Prince Edward Island"
        return j, k
    return None


# Words before a common word that make it the word, not a surname ("in May", "the King").
_WORD_NOT_NAME_BEFORE = frozenset(
    """the a an in of on since by until till from this last next early late mid during
    before after for every each that our his her their its""".split()
)


# A word-surname shape (_word_surname_shape) per run that holds no name: pure in the run,
# like _RUN_CACHE (and cleared with it), so the words of "The", "But", "Tuesday" are read
# once, not at every sentence that opens with them.
_WordShape = tuple[int, str, str | None]
_WORD_SHAPES: dict[str, _WordShape | None] = {}


def _word_surname_shape(raw: str) -> _WordShape | None:
    """What a run's words alone say for _word_surname: a common word or a title ends it
    (``King``, ``Mr. May``, ``Rep. King``) and only titles come before. Returns the
    word's offset in the run, the word and the title before it; None otherwise."""
    words = raw.split()
    word = _strip_possessive(words[-1])
    wl = word.lower()
    if wl not in TITLE_LIKE and wl not in cues.SURNAME_WORDS:
        return None  # ("The", "Monday": words no one is named)
    if len(word) < 3 or not word[1:].islower():
        return None
    if any(w.lower() not in TITLE_LIKE for w in words[:-1]):
        return None
    return raw.rfind(words[-1]), word, " ".join(words[:-1]) or None


def _word_surname(
    text: str, start: int, shape: _WordShape
) -> tuple[int, int, str, str | None] | None:
    """A run of a word-surname shape at ``start`` where the text treats it as a name: not
    ``in May``, ``the King``, ``May 5``, ``King of``. Returns the word's span, the word
    and the title before it."""
    offset, word, title = shape
    wstart = start + offset
    wend = wstart + len(word)
    before = _word_back(text, start)
    if before is not None and before[1].lower() in _WORD_NOT_NAME_BEFORE:
        return None
    rest = text[wend : wend + 4].lstrip(" \u00a0")
    if rest[:1].isdigit() or rest[:3] == "of " or rest[:1].isupper():
        return None
    return wstart, wend, word, title


def _surname_word(name_toks: list[str], j: int) -> bool:
    """``May`` in "Theresa May": a non-name word ending a name that opens with a given name."""
    return (
        j == len(name_toks) - 1
        and name_toks[j].lower() in cues.SURNAME_WORDS
        and gender_of_first(name_toks[0]) is not None
    )


def _name_in_run(raw: str) -> _RunReading:
    """The name inside a capitalised run: (start, end) relative to the run, its words and
    the title before it; None when the run holds no name (``The``, ``Monday``)."""
    if " " not in raw and "\u00a0" not in raw:
        # one word: the common case, kept cheap
        tl = raw.lower()
        if tl in cues.NON_NAME_WORDS or tl in TITLE_LIKE or tl in cues.ALONE_NOT_NAMES:
            return None
        stripped = _strip_possessive(raw)
        if stripped and stripped.lower() not in cues.NON_NAME_WORDS:
            return (0, len(stripped), _make_run((stripped,), None))
        return None
    toks = []
    offs = []
    for w in _WORD.finditer(raw):
        toks.append(w.group())
        offs.append(w.start())
    # drop leading sentence words / titles, remember the title
    i = 0
    title_words: list[str] = []
    while i < len(toks):
        tl = toks[i].lower()
        if tl in TITLE_LIKE:
            title_words.append(toks[i])
            i += 1
        elif tl in cues.NON_NAME_WORDS or tl.rstrip(".") in cues.NON_NAME_WORDS:
            title_words = []
            i += 1
        else:
            break
    if (
        i == 0
        and len(toks) >= 2
        and len(toks[0]) > 5
        and toks[0].endswith("ing")
        and toks[0][1:].islower()
        and gender_of_first(toks[0]) is None
    ):
        i = 1  # "Taking Archie outside": a sentence's opening participle, then the name
    # cut at the last title inside the run ("Ohio Gov. John Kasich", "Egyptian Foreign
    # Minister Karim Nassar"): what comes before is the role, read by _role_before
    cut = _title_cut(toks, i)
    if cut is not None:
        title_words = toks[cut[0] : cut[1]]
        i = cut[1]
    # a known first name after non-names ("State John Kerry")
    for j in range(i + 1, len(toks) - 1):
        if gender_of_first(toks[j]) and toks[j + 1][0].isupper():
            title_words = []
            i = j
            break
    if i >= len(toks) or (i and toks[i - 1] == "New"):
        # "New Jersey", "the New York Times": a place or a body, never "Jersey" the person
        return None
    name_toks = toks[i:]
    # stop at a non-name word inside the run ("Trump Monday")
    for j, t in enumerate(name_toks):
        if j and t.lower() in cues.NON_NAME_WORDS and not _surname_word(name_toks, j):
            name_toks = name_toks[:j]
            break
    start = offs[i]
    last = name_toks[-1]
    end = offs[i + len(name_toks) - 1] + len(last)
    stripped = _strip_possessive(last)
    if stripped != last:
        end -= len(last) - len(stripped)
        name_toks[-1] = stripped
    if not stripped:
        return None
    title = " ".join(title_words) if title_words else None
    return (start, end, _make_run(tuple(name_toks), title))
