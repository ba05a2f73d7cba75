"""Speaker finding: for each quoted segment, who said it and with which cue.

Works on the tokens around a quote, in the order a reader checks them:

1. after the quote, in the same sentence: ``"...," X said`` / ``"...," said X, the ...``;
2. before it, in the same sentence: ``X said: "..."``, ``As X noted, "..."``,
   ``according to X``, a ``Name:`` label;
3. the dash line under a blockquote: ``— Name, role``;
4. the context: the other half of a split quote, a quote continuing the previous
   paragraph's speaker, or the subject of a reporting verb in the sentence before.

The noun phrase found is then resolved: a name to the full name of a known person, a
pronoun to the nearest fitting person before it, a role noun (``the aide``) to the person
holding that role, an organisation to its name.
"""

# ruff: noqa: SIM905  (word lists read best as one string)
from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.parsing import cues
from bot.parsing.model import Paragraph
from bot.parsing.people import TITLE_LIKE, Mention, People, clean_tokens
from bot.parsing.quotes import Segment
from bot.parsing.tokens import SENT_END, tokenize_marked

Tok = tuple[int, int, str]

QMARKS = frozenset({'"', "“", "”", "''", "„", "«", "»"})
DASHES = frozenset({"—", "–", "-", "--"})
_ENDERS = SENT_END | QMARKS
_DETERMINERS = frozenset(
    """the a an his her their its this that these those one some another any each every our my
    your several two three many""".split()
)
# Past tenses that do not end in -ed: after a name they are its verb, not a noun.
_IRREGULAR_PAST = frozenset(
    """broke took made gave went came got left held ran sent spent won lost kept met paid
    brought bought thought felt found stood struck spoke began became drew drove fought led
    rose saw sat sold threw wore knew grew flew shook hung meant built caught taught sought
    dealt swore tore forgot hid fell heard slid spread stuck swept swung woke""".split()
)
# Words that may stand alone before a quote that goes on with the speaker before it.
_CARRY_ON = frozenset("but and yet still instead indeed so also plus or then again".split())
# Words before a name that make it the object of something, not a label before a quote.
_LABEL_BREAKERS = frozenset("to with by for at in on of about against than".split())
_INDEFINITE = frozenset("a an one another some several two three".split())
_ASIDE_ADVERBS = frozenset(
    """however though too meanwhile also instead moreover nevertheless nonetheless still
    then therefore indeed""".split()
)
_SKIP_BETWEEN = frozenset(
    """also later then again previously recently once has had have would will could may might
    should was is were are also further repeatedly frequently often never first
    initially subsequently famously reportedly apparently simply just only even flatly
    quickly not n't has've 've 'd today yesterday tonight earlier last this on monday
    tuesday wednesday thursday friday saturday sunday morning afternoon evening night
    week month year recently already still always once twice himself herself privately
    publicly bluntly""".split()
)
_PREPOSITIONS = frozenset(
    """of for in on at to from by with about as into over under against between among during
    after before since until through via per like than without within""".split()
)
_RELATIVE = frozenset({"who", "which", "that", "whom"})
# Words that no description of a speaker holds after its first word: a clause or a pronoun.
_NO_DESCRIPTION_WORDS = _RELATIVE | frozenset(
    "and or but is was are were has have had he she they it his her their its".split()
)
_LY = re.compile(r"[a-z]+ly$")
_NAME_TOKEN = re.compile(r"(?:[A-Z][\w’'\-]*|[A-Z]\.|(?:[A-Z]\.){2,})$")
_PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "la", "le", "da", "du", "del", "bin", "ibn", "al"}
)
_POSS = re.compile(r"['’]s?$")
_CAP_MODIFIERS = frozenset(
    {"gop", "democratic", "republican", "democrat", "american", "conservative", "liberal"}
)
_LEAD_PUNCT = frozenset({",", "—", "–", "-", "--", "'", "’", ")"})
_NAME_NOUNS = frozenset({"name", "handle", "username", "pseudonym", "nickname", "alias"})
_PREV_WORD = re.compile(r"(\w+)\W*$")
# Lower-case words, then a capitalised word: "[Trump] senior communications adviser Jason"
_ROLE_THEN_NAME = re.compile(r"[ \u00a0]+((?:[a-z][\w-]*[ \u00a0]+){1,5})[A-Z]")
_NO_TITLES: set[str] = set()
# Endings of nationality adjectives ("Qatari", "Egyptian", "Chinese", "British", "French").
_DEMONYM_ENDS = ("an", "i", "ese", "ish", "ch", "ic", "ss", "ek", "ai")
_OPENERS = frozenset("\"“”‘’'([ \t\u00a0")
_CLAUSE_ENDS = frozenset("\n.!?:;—–-|•*")
# "Gov. Chris Christie" ... "the governor said": abbreviated titles as role nouns
_TITLE_WORDS = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "lt": "lieutenant",
    "gen": "general",
    "sec": "secretary",
    "pres": "president",
    "atty": "attorney",
    "prof": "professor",
    "adm": "admiral",
    "col": "colonel",
    "capt": "captain",
    "sgt": "sergeant",
    "rev": "reverend",
}


@dataclass(slots=True)
class NP:
    """A noun phrase found next to a reporting verb."""

    kind: str  # "name" | "pron" | "noun"
    text: str
    start: int
    end: int
    name: str | None = None  # a proper name inside a common-noun phrase
    head: str | None = None  # head word for common nouns / pronouns


@dataclass(slots=True)
class Attribution:
    """The speaker found for a segment and where the evidence was."""

    speaker: str | None
    role: str | None = None
    cue: str | None = None
    how: str = ""
    person: int | None = None
    cue_start: int | None = None
    np_kind: str | None = None
    # the speaker is someone the article does not name ("a Qatari official said")
    anonymous: bool = False


def _is_cap(w: str) -> bool:
    # _NAME_TOKEN needs a capital A-Z first: most tokens fail that without the regex
    return (
        "A" <= w[:1] <= "Z" and bool(_NAME_TOKEN.match(w)) and w.lower() not in cues.NON_NAME_WORDS
    )


def _is_verb(w: str) -> bool:
    return w in cues.REPORTING_FORMS


def _has_possessive(phrase: str) -> bool:
    """A possessive inside the phrase ("Hoff's letter"), not only at its end as _POSS sees."""
    return "’s " in phrase or "'s " in phrase


def _participle_opener(name: str) -> bool:
    """``Continuing``, ``Speaking``: a capitalised participle opening a sentence, no name."""
    return " " not in name and name.endswith("ing") and name[1:].islower()


# Verb + particle pairs that report speech though the verb alone does not.
_PHRASAL_SPEECH = {
    "went": "on",
    "goes": "on",
    "go": "on",
    "shot": "back",
    "shoots": "back",
    "fired": "back",
    "fires": "back",
    "hit": "back",
    "hits": "back",
    "points": "out",
    "pointed": "out",
    "put": "it",
    "puts": "it",
}


def _weak_with_object(toks: list[Tok], k: int, hi: int) -> bool:
    """``the club ... charged a $100,000 fee``: a verb that reports speech only in some uses
    (``charge``, ``call``, ``question``), here going on with an object of its own."""
    base = cues.REPORTING_FORMS.get(toks[k][2].lower())
    if base not in cues.WEAK_REPORTING or k + 1 >= hi or _phrasal_speech(toks, k, hi):
        return False  # (not "Rubel pointed out.")
    nxt = toks[k + 1][2]
    return (nxt[:1].isalnum() and nxt.lower() not in _PREPOSITIONS) or nxt == "$"


def _phrasal_speech(toks: list[Tok], k: int, end: int) -> bool:
    """``"...," Trump went on.``, ``Trump shot back.``, ``As Tom Ridge put it: "..."``: a
    verb and its particle that report speech together."""
    particle = _PHRASAL_SPEECH.get(toks[k][2].lower())
    if particle is None or k + 1 >= end or toks[k + 1][2].lower() != particle:
        return False
    # the particle ends the clause ("shot back:", "went on."), not "goes on recess"
    return particle == "it" or k + 2 >= end or not toks[k + 2][2][:1].isalnum()


_CLAUSE_OPENERS = frozenset(
    "that the a an its his her their this he she they it we i there".split()
)


def _verb_takes_clause(toks: list[Tok], v: int, hi: int) -> bool:
    """``Bloomberg says its reporting found ...``: a verb going on with a clause of its own
    opens a new statement; ``Fisher said Tuesday.`` or ``Fisher told the Post.`` ends one."""
    if v + 1 >= hi:
        return False
    nxt = toks[v + 1][2].lower()
    if nxt == "that":
        return True
    return nxt in _CLAUSE_OPENERS and cues.REPORTING_FORMS.get(toks[v][2].lower()) != "tell"


_DESCRIPTION_OPENERS = frozenset(
    "the a an one another some several many two three four five".split()
)
_NOT_A_HEAD = frozenset(
    """yet did does do not past other same more most less own time way year years day days
    week weeks month months""".split()
)


def _trailing_modifier(word: str) -> bool:
    """An adverb, participle, verb or article that a noun phrase picked up at its end."""
    w = word.lower()
    return (
        w.endswith(("ly", "ed"))
        or w == "known"
        or w in cues.REPORTING_FORMS  # ("said", "told" too)
        or w in _DETERMINERS
    )


def _description(phrase: str) -> str | None:
    """An unnamed source as the article describes it ("a Chilean official", "the board"),
    on one line; None unless it is a plain noun phrase that opens with an article or a
    number and ends in a noun (not "but", "the past", "its analysis")."""
    words = phrase.split()
    while len(words) > 2 and _trailing_modifier(words[-1]):
        words.pop()  # "the editorial board recently", "a source involved"
    if not 2 <= len(words) <= 6 or words[0].lower() not in _DESCRIPTION_OPENERS:
        return None
    head = words[-1]
    if not (head.isalpha() and len(head) > 2) or head.lower() in _NOT_A_HEAD:
        return None
    if any(w.lower() in _NO_DESCRIPTION_WORDS for w in words[1:]):
        return None
    return " ".join(words)


def _opening_verb(toks: list[Tok], k: int, lo: int) -> bool:
    """``Said Comey, "..."``, ``Stated Stone:``: a capitalised verb of speech opening the
    sentence at ``lo``, the inverted order that puts the speaker after it."""
    w = toks[k][2]
    return (
        k == lo
        and w[:1].isupper()
        and not w.endswith("ing")
        and cues.REPORTING_FORMS.get(w.lower()) in cues.SAY_LIKE
    )


def _abbreviation_stop(toks: list[Tok], k: int, hi: int) -> bool:
    """A period that a comma follows ends an abbreviation ("McConnell, R-Ky., said"), not
    a sentence."""
    return toks[k][2] == "." and k + 1 < hi and toks[k + 1][2] == ","


def _skip_word(w: str) -> bool:
    wl = w.lower()
    return wl in _SKIP_BETWEEN or (bool(_LY.match(wl)) and wl not in cues.REPORTING_FORMS)


class Attributor:
    """Finds speakers for all segments of one article."""

    def __init__(
        self,
        text: str,
        paragraphs: list[Paragraph],
        segments: list[Segment],
        people: People,
        is_org: Callable[[str], bool] | None = None,
        is_place: Callable[[str], bool] | None = None,
    ) -> None:
        self.text = text
        self.paras = paragraphs
        self.segments = segments
        self.people = people
        self.is_org = is_org
        self.is_place = is_place
        self._anon = False  # set by resolve(): the speaker it refused is someone unnamed
        self._toks: dict[int, list[Tok]] = {}
        self._marks: dict[int, list[int]] = {}  # per paragraph: tokens that may be marks
        self._masks: dict[int, list[bool]] = {}
        self._sents: dict[int, list[tuple[int, int]]] = {}
        self._para_starts = [p.start for p in paragraphs]
        self._by_para: dict[int, list[Segment]] = {}
        for seg in segments:
            for p in range(seg.para, seg.end_para + 1):
                self._by_para.setdefault(p, []).append(seg)
        self.results: list[Attribution] = []
        # the first unnamed source (a common-noun subject) met while attributing a quote
        self._unnamed: Attribution | None = None
        self._titles: dict[int, set[str]] | None = None

    # -- tokens ------------------------------------------------------------------
    def toks(self, pi: int) -> list[Tok]:
        t = self._toks.get(pi)
        if t is None:
            p = self.paras[pi]
            t, self._marks[pi] = tokenize_marked(self.text, p.start, p.end)
            self._toks[pi] = t
        return t

    def tokenized(self, pi: int) -> list[Tok] | None:
        """The tokens of paragraph ``pi`` if they were made already, else None."""
        return self._toks.get(pi)

    @staticmethod
    def _index_at(toks: list[Tok], pos: int) -> int:
        """Index of the first token starting at or after ``pos``.

        ``(pos,)`` sorts before every token ``(pos, end, word)`` and after every token
        starting earlier, so the C bisect on the tuples answers directly.
        """
        return bisect.bisect_left(toks, (pos,))

    # -- noun phrases ------------------------------------------------------------
    def _np_back(self, toks: list[Tok], j: int, lo: int) -> NP | None:
        """The noun phrase ending at token ``j`` (inclusive), not before ``lo``."""
        if j < lo:
            return None
        w = toks[j][2]
        wl = w.lower()
        if wl == ")":
            k = j
            while k > lo and toks[k][2] != "(":
                k -= 1
            if k <= lo or j - k > 12:
                return None
            return self._np_back(toks, k - 1, lo)
        if wl in cues.SUBJECT_PRONOUNS:
            return NP("pron", w, toks[j][0], toks[j][1], head=wl)
        if _is_cap(w) or (w[:1].isupper() and wl.rstrip(".") in TITLE_LIKE):
            k = j
            while k - 1 >= lo:
                pw = toks[k - 1][2]
                pwl = pw.lower()
                if (
                    (_is_cap(pw) and not _POSS.search(pw))
                    or (pwl in _PARTICLES and k - 2 >= lo and _is_cap(toks[k - 2][2]))
                    or (pw[:1].isupper() and pwl in TITLE_LIKE)
                ):
                    k -= 1
                else:
                    break
            name = self.text[toks[k][0] : toks[j][1]]
            if k - 2 >= lo and toks[k - 1][2] == "of" and self._is_place_name(name):
                # "Rep. Tom Cole of Oklahoma": the person, not where they come from
                person = self._np_back(toks, k - 2, lo)
                if person is not None and self.people.at(person.start, person.end) is not None:
                    return person
            return NP("name", name, toks[k][0], toks[j][1])
        if w[:1].islower() and wl not in _PREPOSITIONS and wl not in _RELATIVE and w.isalpha():
            # common noun phrase: back to a determiner
            k = j
            name = None
            while k - 1 >= lo and j - k < 6:
                pw = toks[k - 1][2]
                pwl = pw.lower()
                if pwl in _DETERMINERS:
                    k -= 1
                    break
                if pwl in _PREPOSITIONS or pwl in _RELATIVE or not pw[0].isalnum():
                    break
                if _is_verb(pw) or pwl in {"and", "or", "but", "is", "was", "are", "were"}:
                    break
                k -= 1
                if _is_cap(pw) and name is None:
                    name = _POSS.sub("", pw)
            if name:
                # widen to the whole capitalised run ("Hillary Clinton's campaign")
                caps = [t[2] for t in toks[k : j + 1] if _is_cap(t[2])]
                run = []
                for t in toks[k:j]:
                    if _is_cap(t[2]):
                        run.append(_POSS.sub("", t[2]))
                        if _POSS.search(t[2]):
                            break
                    elif run:
                        break
                name = " ".join(run) if run else name
                _ = caps
            return NP(
                "noun",
                self.text[toks[k][0] : toks[j][1]],
                toks[k][0],
                toks[j][1],
                name=name,
                head=wl,
            )
        return None

    def _np_fwd(self, toks: list[Tok], i: int, hi: int) -> tuple[NP | None, int]:
        """The noun phrase starting at token ``i``; returns it and the index after it."""
        if i >= hi:
            return None, i
        w = toks[i][2]
        wl = w.lower()
        if wl in cues.SUBJECT_PRONOUNS:
            return NP("pron", w, toks[i][0], toks[i][1], head=wl), i + 1
        k = i
        last_cap_run: tuple[int, int] | None = None
        run_start = None
        head = None
        while k < hi and k - i < 10:
            t = toks[k][2]
            tl = t.lower()
            if (
                _is_cap(t)
                or (t[:1].isupper() and tl.rstrip(".") in TITLE_LIKE)
                or (run_start is not None and tl in cues.SURNAME_WORDS and t[:1].isupper())
                or (t == "New" and k + 1 < hi and _is_cap(toks[k + 1][2]))  # New Hampshire
            ):
                if run_start is None:
                    run_start = k
                last_cap_run = (run_start, k)
                if _POSS.search(t) and k + 1 < hi and not _is_cap(toks[k + 1][2]):
                    run_start = None  # "Trump's campaign": the name is a modifier
                k += 1
                continue
            if tl in _PARTICLES and run_start is not None:
                k += 1
                continue
            if tl in _CAP_MODIFIERS:
                # "the presumptive GOP nominee": a capitalised adjective; or the noun itself
                # ("a South Carolina Democrat")
                head = tl
                k += 1
                continue
            if run_start is not None and run_start == i:
                bridge = self._role_bridge(toks, k, hi)
                if bridge is None:
                    break  # a bare name ends at the first lower-case word ("Carson took")
                # "Huckabee spokeswoman Alice Stewart", "State spokesman Mark Toner": the
                # first name says whose the role is; the person is the name after it
                run_start = None
                head = toks[bridge - 1][2].lower()
                k = bridge
                continue
            run_start = None
            if k == i and tl in _DETERMINERS:
                k += 1
                continue
            if (
                last_cap_run is not None
                and last_cap_run[1] == k - 1
                and (tl.endswith("ed") or tl in _IRREGULAR_PAST)
            ):
                break  # "The Blaze's Matt Walsh provided a ...": the name, then its verb
            if (
                t[:1].islower()
                and t.isalpha()
                and tl not in _PREPOSITIONS
                and tl not in _RELATIVE
                and not _is_verb(t)
                and tl not in {"and", "or", "but", "is", "was", "has", "had", "who"}
            ):
                head = tl
                k += 1
                continue
            break
        if k == i:
            return None, i
        text = self.text[toks[i][0] : toks[k - 1][1]]
        if last_cap_run is not None and last_cap_run[1] == k - 1:
            a, b = last_cap_run
            name = self.text[toks[a][0] : toks[b][1]]
            return NP("name", name, toks[a][0], toks[b][1]), k
        name = None
        if last_cap_run is not None:
            a, b = last_cap_run
            name = _POSS.sub("", self.text[toks[a][0] : toks[b][1]])
        if head is None:
            return None, i
        end = toks[k - 1][1]
        if name is None and k + 1 < hi and toks[k][2] in {"of", "for", "at", "to", "with"}:
            # "master of ceremonies Asab Al-Tabchi", "a spokesman for Trump"
            inner, e = self._np_fwd(toks, k + 1, hi)
            if inner is not None and inner.kind == "name":
                return inner, e
            if inner is not None and inner.name:
                name = inner.name
        named = self._named(toks, k, hi)
        if named is not None:
            return named, k
        return NP("noun", text, toks[i][0], end, name=name, head=head), k

    @staticmethod
    def _role_bridge(toks: list[Tok], k: int, hi: int) -> int | None:
        """Index of the name after ``k`` when the lower-case words from ``k`` up to it end in
        a role noun, or in one and what it is "of" (``campaign manager`` in "Clinton campaign
        manager Robby Mook", ``secretary of state`` in "Former US secretary of state
        Madeleine Albright"), else None."""
        j = k
        while j < hi and j - k < 5:
            t = toks[j][2]
            tl = t.lower()
            if (
                not (t[:1].islower() and t.replace("-", "").isalpha())
                or _is_verb(t)
                or (tl in _PREPOSITIONS and tl != "of")
                or tl in _DETERMINERS
                or tl.endswith("ed")
                or tl in _IRREGULAR_PAST
            ):
                break  # not "Eric Trump knocked a statement by actor George Clooney"
            j += 1
        if j == k or j >= hi or not _is_cap(toks[j][2]):
            return None
        words = [t[2].lower() for t in toks[k:j]]
        role = max((n for n, w in enumerate(words) if w in cues.ROLE_WORDS), default=None)
        if role is None:
            return None
        tail = words[role + 1 :]
        return j if not tail or (tail[0] == "of" and 2 <= len(tail) <= 3) else None

    def _named(self, toks: list[Tok], k: int, hi: int) -> NP | None:
        """``a user from Hanover going by the handle Pulvermann``, ``a woman named Ann
        Lee``, ``a voter identified only as Jim``: the name that a description gives."""
        stop = min(hi, k + 8)
        j = k
        while j < stop:
            w = toks[j][2]
            if w in _ENDERS or w in {",", ";", ":", "(", "—"}:
                return None
            wl = w.lower()
            if wl in {"named", "nicknamed"} or (
                j > k
                and (
                    (wl == "as" and toks[j - 1][2] in {"identified", "known"})
                    or (wl == "by" and toks[j - 1][2] in {"going", "goes"})
                )
            ):
                j += 1
                if j < hi and toks[j][2].lower() in {"only", "the", "a"}:
                    j += 1
                if j < hi and toks[j][2].lower() in _NAME_NOUNS:
                    j += 1
                np, _ = self._np_fwd(toks, j, hi) if j < hi else (None, j)
                return np if np is not None and np.kind == "name" else None
            j += 1
        return None

    # -- resolution --------------------------------------------------------------
    def resolve(self, np: NP, pos: int) -> tuple[str | None, str | None, int | None]:
        """Speaker name, role and person id for a noun phrase at ``pos``.

        Only someone who can be named speaks: a capitalised common word opening a
        sentence ("Reprising one of her lines, ...", "Analysts said ...") and a
        nationality ("A Qatari official said ...", "Russian officials said ...") name no
        one, so such statements have no speaker.
        """
        ppl = self.people
        self._anon = False
        if np.kind == "name":
            toks = clean_tokens(np.text)
            if not toks:
                return None, None, None
            name = " ".join(toks)
            m = ppl.at(np.start, np.end)
            pid = m.person if m is not None else ppl.lookup(name)
            if pid is not None and pid in ppl.words:
                self._anon = cues.group_word(ppl.persons[pid].name.lower())
                return None, None, None
            if pid is not None:
                rec = ppl.persons[pid]
                return rec.name, rec.role, pid
            if name.lower().startswith("the "):
                name = name[4:]
            if self._nationality(name) and self.text[max(0, np.start - 4) : np.start] != "the ":
                # "Russian officials said": an adjective (but "the Texan" is someone)
                self._anon = True
                return None, None, None
            return name, None, None
        if np.kind == "pron":
            return self._pronoun(np.head or "", pos)
        # common noun phrase; "the aide" is someone named before, "one Clinton aide" or "a
        # Clinton spokesman" someone unnamed (described as such by _make)
        if np.head in cues.ROLE_NOUNS and np.text.split()[0].lower() in _INDEFINITE:
            self._anon = True
            return None, None, None
        if np.head in cues.ROLE_NOUNS:
            pid = self._role_person(np.head or "", pos, np.name)
            if pid is not None:
                rec = ppl.persons[pid]
                return rec.name, rec.role, pid
        if np.name:
            pid = ppl.lookup(np.name)
            if pid is not None and pid in ppl.words:
                self._anon = True
                return None, None, None
            rec = ppl.persons[pid] if pid is not None else None
            if rec is not None and (rec.is_person or rec.gender or len(rec.tokens) > 1):
                return rec.name, rec.role, pid
            if self._anonymous_modifier(np):
                self._anon = True
                return None, None, None
            if rec is not None:
                return rec.name, rec.role, pid
            return np.name, None, None
        return None, None, None

    def _known_person(self, np: NP) -> bool:
        """Is ``np`` a mention of someone the article shows to be a person ("Washington,
        star of television's Scandal")?"""
        m = self.people.at(np.start, np.end)
        if m is None:
            return False
        rec = self.people.persons[m.person]
        return bool(rec.is_person or rec.gender)

    def _subject_of(self, np: NP, verb: Tok) -> bool:
        """Does ``np`` stand right before ``verb`` (adverbs aside), as its subject does?"""
        if verb[1] <= np.start:  # inverted: "said an Iowa Democrat"
            between = self.text[verb[1] : np.start].split()
        else:
            between = self.text[np.end : verb[0]].split()
        return all(_skip_word(w) for w in between)

    def _is_place_name(self, name: str) -> bool:
        return self.is_place is not None and bool(self.is_place(name))

    def _nationality(self, name: str) -> bool:
        """``Qatari``, ``Russian``: a people's adjective, never a person's name."""
        return (
            name.endswith(_DEMONYM_ENDS)
            and " " not in name
            and self.is_place is not None
            and self.is_place(name)
        )

    def _anonymous_modifier(self, np: NP) -> bool:
        """The capitalised word in a common-noun phrase says where a speaker is from or
        what they do, not who they are: a place or nationality ("a Qatari official",
        "Iowa voters"), or an unknown word whose capital only opens the sentence ("Grid
        operators warned"). Known organisations speak ("a Fox News spokesman")."""
        name = np.name or ""
        if self.is_org is not None and self.is_org(name):
            return False
        if self.is_place is not None and self.is_place(name):
            return True
        if not self.text.startswith(name, np.start):
            return False
        i = np.start - 1
        text = self.text
        while i >= 0 and text[i] in _OPENERS:
            i -= 1
        return i < 0 or text[i] in _CLAUSE_ENDS

    def _pronoun(
        self, pron: str, pos: int, depth: int = 0
    ) -> tuple[str | None, str | None, int | None]:
        """He/she: the first fitting person of the nearest sentence before (Hobbs-style).

        News prose keeps its topic as the subject, so the leftmost fitting mention of the
        previous sentence beats the nearest one (often an object or a name in passing). A
        same pronoun that comes first in that sentence continues the chain: it is resolved
        the same way from where it stands.
        """
        if pron not in {"he", "she"}:
            return None, None, None
        want = "m" if pron == "he" else "f"
        pi = bisect.bisect_right(self._para_starts, pos) - 1
        if pi < 0:
            return None, None, None
        sents = self._sentences(pi)
        si = bisect.bisect_right(sents, (pos, 1 << 62)) - 1
        if si >= 0:
            # "Rubio is airing an ad in which he declares ...": same sentence first
            found = self._first_fitting(pi, sents[si][0], pos, want, pron, depth, False)
            if found is not None:
                return found
        budget = 6
        cur_pi, cur_si = pi, si - 1
        while budget > 0 and cur_pi >= 0 and pi - cur_pi <= 3:
            if cur_si < 0:
                cur_pi -= 1
                if cur_pi < 0:
                    break
                cur_si = len(self._sentences(cur_pi)) - 1
                continue
            ss, se = self._sentences(cur_pi)[cur_si]
            budget -= 1
            found = self._first_fitting(cur_pi, ss, se, want, pron, depth, True)
            if found is not None:
                return found
            cur_si -= 1
        # nearest fitting mention as a last resort
        ppl = self.people
        i = ppl.before(pos) - 1
        while i >= 0:
            m = ppl.mentions[i]
            i -= 1
            if m.start < pos - 3000:
                break
            if self._fits(m, want):
                rec = ppl.persons[m.person]
                return rec.name, rec.role, m.person
        return None, None, None

    def _first_fitting(
        self, pi: int, ss: int, se: int, want: str, pron: str, depth: int, chain: bool
    ) -> tuple[str | None, str | None, int | None] | None:
        """Leftmost fitting person mention in ``[ss, se)`` of paragraph ``pi``, or the
        referent of a same-gender pronoun standing before it (``chain``)."""
        ppl = self.people
        best: Mention | None = None
        i = ppl.before(ss)
        while i < len(ppl.mentions) and ppl.mentions[i].start < se:
            m = ppl.mentions[i]
            i += 1
            if self._fits(m, want) and not self._modifier(m):
                best = m
                break
        if chain and depth < 3:
            limit = best.start if best is not None else se
            toks = self.toks(pi)
            mask = self.mask(pi)
            k = self._index_at(toks, ss)
            while k < len(toks) and toks[k][0] < limit:
                if not mask[k] and toks[k][2].lower() == pron:
                    name, role, pid = self._pronoun(pron, toks[k][0], depth + 1)
                    if name:
                        return name, role, pid
                    break
                k += 1
        if best is not None:
            rec = ppl.persons[best.person]
            return rec.name, rec.role, best.person
        return None

    def _fits(self, m: Mention, want: str) -> bool:
        if m.in_quote:
            return False
        rec = self.people.persons[m.person]
        if rec.gender is not None:
            return rec.gender == want
        return rec.is_person or len(rec.tokens) >= 2

    def _modifier(self, m: Mention) -> bool:
        """Not a salient antecedent: after a preposition or determiner, a possessive, or
        whose role the next name holds ("Trump senior adviser Jason Miller")."""
        text = self.text
        if text.startswith(("'s", "’s"), m.end):
            return True
        role = _ROLE_THEN_NAME.match(text, m.end)
        if role is not None and role.group(1).split()[-1] in cues.ROLE_WORDS:
            return True
        p = m.start
        if m.title:
            p = max(0, text.rfind(m.title.split()[0], max(0, p - 40), p))
        w = _PREV_WORD.search(text, max(0, p - 24), p)
        if not w:
            return False
        wl = w.group(1).lower()
        return wl in _PREPOSITIONS or wl in _DETERMINERS

    def _sentences(self, pi: int) -> list[tuple[int, int]]:
        """Sentence spans (character offsets) of paragraph ``pi``; quotations stay whole."""
        sp = self._sents.get(pi)
        if sp is not None:
            return sp
        toks = self.toks(pi)
        mask = self.mask(pi)
        para = self.paras[pi]
        sp = []
        start = para.start
        n = len(toks)
        # only sentence marks and quote marks can end a sentence: look at the tokens that
        # may be marks (tokenize_marked)
        for k in [k for k in self._marks[pi] if toks[k][2] in _ENDERS]:
            if k + 1 >= n:
                continue
            w = toks[k][2]
            nw = toks[k + 1][2]
            if not (nw[:1].isupper() or nw in QMARKS):
                continue
            if (w in SENT_END and not mask[k]) or (
                w in QMARKS and mask[k] and k > 0 and toks[k - 1][2] in SENT_END and not mask[k + 1]
            ):
                sp.append((start, toks[k][1]))
                start = toks[k + 1][0]
        sp.append((start, para.end))
        self._sents[pi] = sp
        return sp

    def _titles_of(self, pid: int) -> set[str]:
        """Title words a person is named with anywhere ("Sen." -> "senator")."""
        if self._titles is None:
            self._titles = {}
            for m in self.people.mentions:
                if m.title:
                    for w in m.title.lower().split():
                        w = w.rstrip(".")
                        self._titles.setdefault(m.person, set()).add(_TITLE_WORDS.get(w, w))
        return self._titles.get(pid, _NO_TITLES)

    def _role_person(self, head: str, pos: int, name: str | None) -> int | None:
        """The nearest earlier person holding the role ``head`` (``the aide``); with a
        qualifier (``the Ohio governor``), the nearest one introduced with it."""
        ppl = self.people
        text = self.text
        i = ppl.before(pos) - 1
        floor = max(-1, i - 300)
        first: int | None = None
        while i > floor:
            m = ppl.mentions[i]
            i -= 1
            rec = ppl.persons[m.person]
            role = (rec.role or "").lower()
            if head in role.split() or head in self._titles_of(m.person):
                if name is None:
                    return m.person
                reach = len(name) + len(m.title or "") + 3  # "Ohio Gov. John Kasich"
                if name.lower() in role or name in text[max(0, m.start - reach) : m.start]:
                    return m.person
                if first is None:
                    first = m.person
        return first

    # -- patterns ----------------------------------------------------------------
    def _after(
        self, toks: list[Tok], mask: list[bool], i: int, hi: int, send: int
    ) -> tuple[NP, int] | None:
        """Attribution after a quote: right after it (``"...," X said``, ``said X``) up
        to ``hi``, else a closing ``, X said`` / ``, said X`` clause before ``send``."""
        found = self._after_immediate(toks, i, hi)
        if found is not None:
            return found
        for k in range(i + 1, send):
            if mask[k]:
                continue
            w = toks[k][2]
            if not _is_verb(w) or w.endswith("ing"):
                continue
            if cues.REPORTING_FORMS[w.lower()] in cues.WEAK_REPORTING:
                continue
            p = k - 1
            while p > i and _skip_word(toks[p][2]):
                p -= 1
            if toks[p][2] in {",", "—", "–"}:
                np, _ = self._np_fwd(toks, k + 1, send)
                if np is not None:
                    return np, k
                continue
            np = self._np_back(toks, p, i)
            if np is None or (
                np.kind == "noun" and np.name is None and np.head not in cues.ROLE_NOUNS
            ):
                continue
            q = self._index_at(toks, np.start) - 1
            if q >= i and (toks[q][2] in {",", "—", "–"} or toks[q][2] in QMARKS):
                return np, k
        return None

    def _after_immediate(self, toks: list[Tok], i: int, hi: int) -> tuple[NP, int] | None:
        """``"...," X said`` / ``"...," said X`` starting at token ``i``."""
        # skip punctuation right after the closing mark
        while i < hi and toks[i][2] in _LEAD_PUNCT:
            i += 1
        if i >= hi:
            return None
        w = toks[i][2]
        wl = w.lower()
        if wl == "according" and i + 1 < hi and toks[i + 1][2] == "to":
            np, _ = self._np_fwd(toks, i + 2, hi)
            return (np, i) if np else None
        if (
            _is_verb(w)
            and cues.REPORTING_FORMS[wl] not in cues.WEAK_REPORTING
            and not (wl.endswith("ing") and toks[i + 1 : i + 2] and toks[i + 1][2][:1].islower())
        ):
            # '"...," said X'; not '"...," saying the city ...' (what follows is its object)
            np, _ = self._np_fwd(toks, i + 1, hi)
            if np is None:
                return None
            return np, i
        np, k = self._np_fwd(toks, i, hi)
        found = self._subject_then_verb(toks, np, k, hi) if np is not None else None
        if found is None and (np is None or np.kind != "pron"):
            found = self._name_before_verb(toks, i, hi)
        return found

    def _subject_then_verb(self, toks: list[Tok], np: NP, k: int, hi: int) -> tuple[NP, int] | None:
        """The reporting verb after the subject ``np`` (ending before token ``k``)."""
        # adverbs / auxiliaries between subject and verb
        k0 = k
        while k < hi and k - k0 < 4 and _skip_word(toks[k][2]):
            k += 1
        if k < hi and toks[k][2] == "(":
            while k < hi and toks[k][2] != ")":
                k += 1
            k += 1
        if k < hi and (_is_verb(toks[k][2]) or _phrasal_speech(toks, k, hi)):
            return None if _weak_with_object(toks, k, hi) else (np, k)
        if k < hi and toks[k][2] == ",":
            # appositive: "X, a former adviser ..., wrote"
            k2 = k + 1
            while k2 < hi and k2 - k < 40:
                t = toks[k2][2]
                if (t in SENT_END and not _abbreviation_stop(toks, k2, hi)) or t in QMARKS:
                    return None
                if _is_verb(t):
                    p = k2 - 1
                    while p > k and _skip_word(toks[p][2]):
                        p -= 1
                    if (
                        toks[p][2] == ","
                        and not t.endswith("ing")
                        and not _weak_with_object(toks, k2, hi)
                    ):
                        if np.kind == "noun":
                            # "the assailant, John McGraw, told"
                            inner, e = self._np_fwd(toks, k + 1, p)
                            if inner is not None and inner.kind == "name" and e == p:
                                return inner, k2
                        return np, k2
                k2 += 1
        return None

    def _name_before_verb(self, toks: list[Tok], i: int, hi: int) -> tuple[NP, int] | None:
        """``"...," Judicial Watch president Tom Fitton said``: the name right before a
        reporting verb a few plain words after the quote, when the words before the name
        only describe them (no clause, preposition or punctuation in between)."""
        for v in range(i, min(hi, i + 9)):
            w = toks[v][2]
            if _is_verb(w):
                if w.endswith("ing") or cues.REPORTING_FORMS[w.lower()] in cues.WEAK_REPORTING:
                    return None
                p = v - 1
                while p > i and _skip_word(toks[p][2]):
                    p -= 1
                np = self._np_back(toks, p, i)
                return (np, v) if np is not None and np.kind == "name" else None
            wl = w.lower()
            if wl == "of" and v + 1 < hi and toks[v + 1][2][:1].islower():
                continue  # "secretary of state John Kerry", but not "a friend of Smith"
            if (
                not w[:1].isalnum()
                or wl in _PREPOSITIONS
                or wl in _RELATIVE
                or wl in {"and", "or", "but", "is", "was", "has", "had"}
            ):
                return None
        return None

    def _before(self, toks: list[Tok], mask: list[bool], lo: int, j: int) -> tuple[NP, int] | None:
        """``X said: "..."`` within tokens ``[lo, j)`` (``j`` is the opening mark).

        Quotations earlier in the sentence are skipped (``mask``), so the second half of
        ``"A," he said, "B."`` and ``He called it "A" and "B"`` find the same verb.
        """
        ing: int | None = None
        weak: int | None = None
        noun: tuple[NP, int] | None = None
        for k in range(j - 1, lo - 1, -1):
            if mask[k]:
                continue
            w = toks[k][2]
            wl = w.lower()
            if wl == "according" and k + 1 < j and toks[k + 1][2] == "to":
                np, _ = self._np_fwd(toks, k + 2, j)
                if np is not None:
                    return np, k
            if (
                not _is_verb(w)
                and not _phrasal_speech(toks, k, j)
                and not _opening_verb(toks, k, lo)
            ):
                continue
            if wl.endswith("ing"):
                # "..., adding that" / "telling X that": the subject is further left
                if ing is None:
                    ing = k
                continue
            sub_lo = lo
            for m in range(k - 1, lo - 1, -1):
                if mask[m]:
                    sub_lo = m + 1
                    break
            prev = toks[k - 1][2].lower() if k > sub_lo else ""
            if prev in {"and", "but", "then"}:
                # "X acknowledged ... and called it "...""
                if weak is None:
                    weak = k
                continue
            np = self._subject(toks, sub_lo, k)
            if np is not None and (np.kind != "noun" or np.name or np.head in cues.ROLE_NOUNS):
                return np, k
            if k + 1 < j and cues.REPORTING_FORMS.get(wl) in cues.SAY_LIKE:
                # "Said Trump: "..."" / "..., writes Smith, "...""
                np2, _ = self._np_fwd(toks, k + 1, j)
                if np2 is not None and (
                    np2.kind == "name"
                    or (
                        np2.kind == "noun"
                        and toks[j - 1][2] == ","
                        and (k == sub_lo or toks[k - 1][2] == ",")
                    )
                ):
                    # (a description too when it ends the clause: '..., said an Iowa
                    # Democrat, "and Iowa was not a decisive win."')
                    return np2, k
            if np is not None and noun is None:
                noun = (np, k)
        if ing is not None and noun is not None and noun[1] < ing:
            np = self._sentence_subject(toks, mask, lo, ing)
            if np is not None:
                return np, ing
        if noun is not None:
            return noun
        if weak is not None:
            found = self._before(toks, mask, lo, weak)
            if found is not None:
                return found
            np = self._sentence_subject(toks, mask, lo, weak)
            if np is not None:
                return np, weak
        if ing is not None:
            np = self._sentence_subject(toks, mask, lo, ing)
            if np is not None:
                return np, ing
        # a "Name:" label right before the quote
        if j - 1 >= lo and toks[j - 1][2] == ":":
            np = self._np_back(toks, j - 2, lo)
            if np is not None and np.kind == "name" and self._labels(toks, np, lo):
                return np, j - 1
            # "Jeb Bush broke down what was wrong ... to the newspaper NRC Handelsblad:
            # "..."": the sentence's subject
            np = self._sentence_subject(toks, mask, lo, j - 1)
            if np is not None:
                return np, j - 1
        return None

    def _labels(self, toks: list[Tok], np: NP, lo: int) -> bool:
        """Does the name before a colon stand alone as a label ("Rep. Carl Dorn (R-Ohio):",
        "... - HuffPollster:"), rather than end a sentence that has its own subject?"""
        k = self._index_at(toks, np.start)
        # a few words back, over what may describe the name ("doesn't surprise Republican
        # pollster Daron Shaw:"), a preposition makes it an object ("... to the Dutch
        # newspaper NRC Handelsblad:")
        for back in range(k - 1, max(lo, k - 5) - 1, -1):
            w = toks[back][2]
            if not w[:1].isalnum():
                return True
            if w.lower() in _LABEL_BREAKERS:
                return False
        return True

    def _sentence_subject(self, toks: list[Tok], mask: list[bool], lo: int, k: int) -> NP | None:
        """The first name or pronoun opening the sentence (or its main clause)."""
        starts = [lo]
        for c in range(lo, min(k, lo + 24)):
            if toks[c][2] == "," and not mask[c]:
                starts.append(c + 1)
        for st in starts:
            if st >= k or mask[st]:
                continue
            np, _ = self._np_fwd(toks, st, k)
            if (
                np is not None
                and np.kind == "noun"
                and np.name
                and _has_possessive(np.text)
                and np.head not in cues.ROLE_WORDS
                and np.head not in cues.ROLE_NOUNS
            ):
                return np  # "Hoff's letter makes a case:", whose the words are (not "X's son")
            if np is not None and np.kind in {"name", "pron"}:
                if np.kind == "name" and (
                    (self._is_place_name(np.text) and not self._known_person(np))
                    or _participle_opener(np.text)
                ):
                    # "At an event in Ames, Iowa, on Sunday, Mrs. Clinton said";
                    # "Continuing to explain his view, Carson rejected ..."
                    continue
                return np
        return None

    def _subject(self, toks: list[Tok], lo: int, v: int) -> NP | None:
        """Subject of the verb at ``v``: the noun phrase before it (skipping asides)."""
        j = v - 1
        while j >= lo and _skip_word(toks[j][2]):
            j -= 1
        if (
            j - 2 >= lo
            and toks[j][2] == ","
            and toks[j - 2][2] == ","
            and toks[j - 1][2].lower() in _ASIDE_ADVERBS
        ):
            j -= 3  # "Forbes, however, says": the aside stands between subject and verb
        if j < lo:
            return None
        w = toks[j][2]
        if w == "to" or w.lower() in {"and", "or"}:
            return None
        if w == ",":
            # appositive or relative clause: "X, a former adviser, said"
            commas = [k for k in range(lo, j) if toks[k][2] == ","]
            if (
                len(commas) > 1
                and _is_cap(toks[commas[-1] + 1][2])
                and toks[commas[-1] - 1][2].lower() in cues.ROLE_WORDS
            ):
                # "..., the previous nominee, Mitt Romney, called": the name set off
                # right before the verb is its subject
                inner, e = self._np_fwd(toks, commas[-1] + 1, j)
                if (
                    inner is not None
                    and inner.kind == "name"
                    and e == j
                    and not self._is_place_name(inner.text)
                ):
                    return inner
            for c in commas:
                nxt = toks[c + 1][2] if c + 1 < j else ""
                nl = nxt.lower()
                if (
                    nl in _DETERMINERS
                    or nl in _RELATIVE
                    or nl == "whose"
                    or (nxt[:1].islower() and nl not in _PREPOSITIONS)
                    or _POSS.search(nxt)
                    or nl in TITLE_LIKE
                ):
                    np = self._np_back(toks, c - 1, lo)
                    if np is not None:
                        return np
            # "Carson's business manager, Armstrong Williams, stated"
            if commas:
                c = commas[-1]
                inner, e = self._np_fwd(toks, c + 1, j)
                if inner is not None and inner.kind == "name" and e == j:
                    if not self._is_place_name(inner.text):
                        return inner
                    # "Clinton, during a town hall in Columbus, Ohio, said": a place
                    # closes the aside; the subject is the name before it
                    first = self._np_back(toks, commas[0] - 1, lo)
                    if first is not None and first.kind in ("name", "pron"):
                        return first
            return None
        if w.lower() in _RELATIVE:
            # "X, who said"
            k = j - 1
            if k >= lo and toks[k][2] == ",":
                k -= 1
            return self._np_back(toks, k, lo)
        np = self._np_back(toks, j, lo)
        return np

    # -- driver ------------------------------------------------------------------
    def run(self) -> list[Attribution]:
        out: list[Attribution] = []
        segs = self.segments
        for si, seg in enumerate(segs):
            out.append(self._attribute(si, seg, out))
        self.results = out
        return out

    def _attribute(self, si: int, seg: Segment, done: list[Attribution]) -> Attribution:
        self._unnamed = None
        found = self._attribute_named(si, seg, done)
        if found.speaker is None and not found.anonymous and self._unnamed is not None:
            return self._unnamed  # a source without a name, and no one better
        return found

    def _attribute_named(self, si: int, seg: Segment, done: list[Attribution]) -> Attribution:
        text = self.text
        segs = self.segments
        # after the quote, same sentence
        if seg.close_mark is not None:
            toks = self.toks(seg.end_para)
            i = self._index_at(toks, seg.close_mark)
            emask = self.mask(seg.end_para)
            send = self._sentence_end(seg.end_para, toks, emask, i)
            hi = send
            nxt = segs[si + 1] if si + 1 < len(segs) else None
            if nxt is not None and nxt.para == seg.end_para:
                hi = min(hi, self._index_at(toks, nxt.open_mark))
            ends_sentence = bool(text[seg.start : seg.end].rstrip()[-1:] in ".!?")
            if i < hi:
                first = toks[i][2]
                starts_new = (
                    ends_sentence
                    and first[:1].isupper()
                    and first.lower() in (cues.SUBJECT_PRONOUNS | {"the", "a", "an", "but", "and"})
                )
                if not starts_new:
                    if ends_sentence and first[:1].isupper() and text[seg.end - 1] == ".":
                        # a new sentence may follow a full stop: only "Name said" counts
                        found = self._after_immediate(toks, i, hi)
                        if found is not None and (
                            found[1] > i + 4
                            or _verb_takes_clause(toks, found[1], hi)
                            or cues.REPORTING_FORMS.get(toks[found[1]][2].lower())
                            not in cues.SAY_LIKE
                        ):
                            # only a verb of speech: not "According to F.A.A. records, ..."
                            # (a sentence about what follows) nor "Romney fired back ..."
                            found = None
                    else:
                        found = self._after(toks, emask, i, hi, send)
                    if found is not None:
                        np, v = found
                        a = self._make(np, toks[v], "after")
                        if a.speaker or a.anonymous:
                            return a
        # before the quote, same sentence
        toks = self.toks(seg.para)
        mask = self.mask(seg.para)
        j = self._index_at(toks, seg.open_mark)
        lo = self._sentence_start(seg.para, toks, mask, j)
        # (a lone "But" or "Instead," before the quote goes on with what was said before)
        text_before = any(
            not mask[k] and toks[k][2][:1].isalnum() and toks[k][2].lower() not in _CARRY_ON
            for k in range(lo, j)
        )
        if text_before:
            found = self._before(toks, mask, lo, j)
            if found is not None:
                np, v = found
                a = self._make(np, toks[v], "before")
                if a.speaker or a.anonymous:
                    return a
                if np.kind != "name" and j - 1 >= lo and toks[j - 1][2] == ":":
                    # "Sanders delivered a snappy retort: "..."": the verb's subject was
                    # no one ("a snappy"), so the quote is the sentence subject's (the
                    # name opening the sentence, not one after a comma)
                    subj, _ = self._np_fwd(toks, lo, j - 1) if not mask[lo] else (None, lo)
                    if subj is not None and subj.kind in ("name", "pron"):
                        b = self._make(subj, toks[j - 1], "subject")
                        if b.speaker or b.anonymous:
                            return b
                if np.kind != "name":
                    return a
            else:
                # no reporting verb: a phrase woven into a sentence about its subject
                np = self._sentence_subject(toks, mask, lo, j)
                if np is not None:
                    a = self._make(np, toks[j], "subject")
                    if a.speaker or a.anonymous:
                        return a
        # dash line under a blockquote
        if seg.close_mark is not None and seg.end_para + 1 < len(self.paras):
            p = self.paras[seg.end_para + 1]
            if (
                p.text[:1] in "—–-"
                and text[seg.close_mark : self.paras[seg.end_para].end].strip() == ""
            ):
                ptoks = self.toks(seg.end_para + 1)
                k = 0
                while k < len(ptoks) and ptoks[k][2] in DASHES:
                    k += 1
                np, _ = self._np_fwd(ptoks, k, len(ptoks))
                if np is not None:
                    a = self._make(np, ptoks[0], "dash")
                    if a.speaker or a.anonymous:
                        return a
        # the sentence before, in the same paragraph: "He emphasized that ... "...""
        if not text_before:
            a = self._sentence_speaker(seg.para, lo)
            if a is not None:
                return a
        # context: split quote / continuation
        prev = done[si - 1] if si > 0 else None
        pseg = segs[si - 1] if si > 0 else None
        has_prev = prev is not None and pseg is not None and bool(prev.speaker)
        if has_prev and pseg.end_para == seg.para and not text_before:  # type: ignore[union-attr]
            return Attribution(prev.speaker, prev.role, prev.cue, "split", prev.person)  # type: ignore[union-attr]
        if not text_before and j == 0 and seg.para > 0:
            ptoks = self.toks(seg.para - 1)
            a = self._sentence_speaker(seg.para - 1, len(ptoks))
            if a is None:
                a = self._introduced_by(seg.para - 1)
            if a is not None:
                return a
            if has_prev and pseg.end_para == seg.para - 1:  # type: ignore[union-attr]
                return Attribution(prev.speaker, prev.role, prev.cue, "continued", prev.person)  # type: ignore[union-attr]
        return Attribution(None)

    def _introduced_by(self, pi: int) -> Attribution | None:
        """``Trump issued the following statement:`` closing paragraph ``pi``: the quote
        paragraph after it is its subject's, whatever the verb."""
        toks = self.toks(pi)
        if not toks or toks[-1][2] != ":":
            return None
        mask = self.mask(pi)
        end = len(toks) - 1
        np = self._sentence_subject(toks, mask, self._sentence_start(pi, toks, mask, end), end)
        if np is None:
            return None
        a = self._make(np, toks[end], "subject")
        return a if a.speaker or a.anonymous else None

    def _sentence_speaker(self, pi: int, end: int) -> Attribution | None:
        """Speaker of the reporting verb in the sentence ending before token ``end``."""
        toks = self.toks(pi)
        mask = self.mask(pi)
        if end <= 0:
            return None
        k = end - 1
        # skip the sentence-final punctuation
        while k >= 0 and toks[k][2] in SENT_END:
            k -= 1
        # back to the sentence mark before, at most 80 tokens before ``end`` (a mark is
        # among the tokens that may be one)
        lo = k
        floor = max(0, end - 80)
        if lo > floor:
            marks = self._marks[pi]
            lo = floor
            for idx in range(bisect.bisect_left(marks, k) - 1, -1, -1):
                m = marks[idx]
                if m < floor:
                    break
                if toks[m][2] in SENT_END and not mask[m]:
                    lo = m + 1
                    break
        # "Cruz continued:" right before the quote is speech whatever the verb
        colon = toks[end - 1][2] == ":"
        for v in range(lo, end):
            if mask[v] or not (_is_verb(toks[v][2]) or _opening_verb(toks, v, lo)):
                continue
            base = cues.REPORTING_FORMS[toks[v][2].lower()]
            if base in cues.WEAK_REPORTING and not colon:
                continue
            if any(mask[v:end]):
                break  # a quote stands between: the speaker is its (split, continued)
            np = self._subject(toks, lo, v)
            if np is None and v == lo and base in cues.SAY_LIKE:
                # inverted, opening the sentence: "Stated Stone:"
                np, _ = self._np_fwd(toks, v + 1, end)
                if np is not None and np.kind != "name":
                    np = None
            if np is not None and not any(mask[lo:v]):
                a = self._make(np, toks[v], "previous")
                if a.speaker or a.anonymous:
                    return a
        return None

    def mask(self, pi: int) -> list[bool]:
        """Per token of paragraph ``pi``: inside a quotation (marks included)?"""
        m = self._masks.get(pi)
        if m is None:
            toks = self.toks(pi)
            m = [False] * len(toks)
            for seg in self._by_para.get(pi, ()):
                a = seg.open_mark
                b = seg.close_mark if seg.close_mark is not None else self.paras[seg.end_para].end
                i = self._index_at(toks, a)
                j = bisect.bisect_left(toks, (b,), i)  # the tokens starting before b
                m[i:j] = [True] * (j - i)
            self._masks[pi] = m
        return m

    def _para_starts_with(self, seg: Segment) -> bool:
        return seg.open_mark == self.paras[seg.para].start

    def _sentence_start(self, pi: int, toks: list[Tok], mask: list[bool], j: int) -> int:
        """First token of the sentence holding token ``j`` of paragraph ``pi`` (quotations
        inside are skipped). Only a sentence or quote mark ends a sentence: the tokens
        that may be marks are looked at, from the last before ``j`` back."""
        marks = self._marks[pi]
        n = len(toks)
        floor = max(0, j - 150)
        for idx in range(bisect.bisect_left(marks, j) - 1, -1, -1):
            k = marks[idx]
            if k < floor:
                break
            w = toks[k][2]
            if k + 1 < n:
                nw = toks[k + 1][2]
                if nw[:1].isupper() or nw in QMARKS:
                    if w in SENT_END and not mask[k]:
                        return k + 1
                    if (
                        w in QMARKS
                        and mask[k]
                        and k > 0
                        and toks[k - 1][2] in SENT_END
                        and not mask[k + 1]
                    ):
                        return k + 1
        return floor

    def _sentence_end(self, pi: int, toks: list[Tok], mask: list[bool], i: int) -> int:
        """Index just past the sentence that continues at token ``i`` of paragraph ``pi``.

        Only the tokens that may be marks are looked at: the others are no sentence mark
        nor bracket, and an aside they make too long is found closed at the next mark."""
        n = len(toks)
        stop = min(n, i + 120)
        marks = self._marks[pi]
        opened = -1  # the "(" of a short aside whose periods end no sentence: "(D-N.Y.)"
        for idx in range(bisect.bisect_left(marks, i), len(marks)):
            k = marks[idx]
            if k >= stop:
                break
            t = toks[k][2]
            if t == "(":
                opened = k
            elif t == ")" or k - opened > 8:
                opened = -1
            if t in SENT_END and not mask[k] and opened < 0:
                if k + 1 >= n:
                    return n
                nw = toks[k + 1][2]
                if nw[:1].isupper() or nw in QMARKS:
                    return k + 1
        return stop

    def _make(self, np: NP, verb: Tok, how: str) -> Attribution:
        speaker, role, pid = self.resolve(np, np.start)
        if pid is not None and np.kind == "name":
            self.people.persons[pid].is_person = True  # a speaker is someone
        anon, self._anon = self._anon, False
        described_here = how == "after" or self._subject_of(np, verb)
        if (
            not anon
            and speaker is None
            and np.kind == "noun"
            and how == "after"
            and cues.REPORTING_FORMS.get(verb[2].lower()) in cues.SAY_LIKE
        ):
            # '"...," the editorial board writes': the attribution itself, no one to look for
            anon = _description(np.text) is not None
        if anon and described_here:
            # "a Qatari official said": someone unnamed, described as the article does
            speaker = _description(np.text)
        elif (
            not anon
            and speaker is None
            and np.kind == "noun"
            and self._unnamed is None
            and described_here
        ):
            # "the board said", "the protesters chanted": kept in case nothing better turns up
            described = _description(np.text)
            if described is not None:
                self._unnamed = Attribution(
                    described, None, verb[2], how, None, verb[0], np.kind, True
                )
        return Attribution(speaker, role, verb[2], how, pid, verb[0], np.kind, anon)
