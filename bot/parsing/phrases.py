"""Phrase shapes around a reporting verb: the noun phrase before or after it, a name
label, ``according to X``, the subject of a sentence; which tokens make up the speaker's
phrase, not who that phrase is."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.parsing import cues
from bot.parsing.document import ENDERS, QMARKS, ArticleDocument, Tok
from bot.parsing.people import TITLE_LIKE, People, gender_of_first
from bot.parsing.tokens import SENT_END

DASHES = frozenset({"—", "–", "-", "--"})


_LY = re.compile(r"[a-z]+ly$")


_NAME_TOKEN = re.compile(r"(?:[A-Z][\w’'\-]*|[A-Z]\.|(?:[A-Z]\.){2,})$")


_POSS = re.compile(r"['’]s?$")
_AGE_NOUN = re.compile(r"\d{1,3}-year-old")


_LEAD_PUNCT = frozenset({",", "—", "–", "-", "--", "'", "’", ")"})


@dataclass(slots=True)
class NP:
    """A noun phrase found next to a reporting verb."""

    kind: str  # "name" | "pron" | "noun"
    text: str
    start: int
    end: int
    name: str | None = None  # a proper name inside a common-noun phrase
    head: str | None = None  # head word for common nouns / pronouns

    # Written out for mypyc (see people.PersonRecord).
    def __init__(
        self,
        kind: str,
        text: str,
        start: int,
        end: int,
        name: str | None = None,
        head: str | None = None,
    ) -> None:
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.name = name
        self.head = head


def _is_cap(w: str) -> bool:
    # _NAME_TOKEN needs a capital A-Z first: most tokens fail that without the regex
    return (
        "A" <= w[:1] <= "Z" and bool(_NAME_TOKEN.match(w)) and w.lower() not in cues.NON_NAME_WORDS
    )


# Words that join an organisation's head word to what it is of ("Ministry of Health",
# "Office for National Statistics", "University of the West Indies").
_ORG_LINKS = frozenset({"of", "for"})


def _org_link_after(toks: list[Tok], k: int, hi: int) -> bool:
    """Token ``k`` ("of"/"for") follows an organisation's head word and a capitalised
    word follows it (after an optional "the")."""
    if k == 0 or toks[k - 1][2].lower() not in cues.COMPANY_WORDS:
        return False
    n = k + 2 if k + 1 < hi and toks[k + 1][2] == "the" else k + 1
    return n < hi and _is_cap(toks[n][2])


def _org_head_before(toks: list[Tok], k: int, lo: int) -> int | None:
    """Where the organisation's name starts when the capitalised run at ``k`` is what an
    organisation's head word before it is "of" (``Ministry of`` + ``Health``), else None."""
    j = k - 1
    if j >= lo and toks[j][2] == "the":
        j -= 1
    if j - 1 < lo or toks[j][2] not in _ORG_LINKS:
        return None
    head = j - 1
    if not (_is_cap(toks[head][2]) and toks[head][2].lower() in cues.COMPANY_WORDS):
        return None
    while head - 1 >= lo and _is_cap(toks[head - 1][2]) and not _POSS.search(toks[head - 1][2]):
        head -= 1  # "Trinidad and Tobago Police Service" ... "the Jamaican Ministry of"
    return head


def is_verb(w: str) -> bool:
    return w in cues.REPORTING_FORMS


def _has_possessive(phrase: str) -> bool:
    """A possessive inside the phrase ("Hoff's letter"), not only at its end as _POSS sees."""
    return "’s " in phrase or "'s " in phrase


def _participle_opener(name: str) -> bool:
    """``Continuing``, ``Speaking``: a capitalised participle opening a sentence, no name."""
    return " " not in name and name.endswith("ing") and name[1:].islower()


def _weak_with_object(toks: list[Tok], k: int, hi: int) -> bool:
    """``the club ... charged a $100,000 fee``: a verb that reports speech only in some uses
    (``charge``, ``call``, ``question``), here going on with an object of its own."""
    base = cues.REPORTING_FORMS.get(toks[k][2].lower())
    if base not in cues.WEAK_REPORTING or k + 1 >= hi or _phrasal_speech(toks, k, hi):
        return False  # (not "Rubel pointed out.")
    nxt = toks[k + 1][2]
    return (nxt[:1].isalnum() and nxt.lower() not in cues.PREPOSITIONS) or nxt == "$"


def _phrasal_speech(toks: list[Tok], k: int, end: int) -> bool:
    """``"...," Trump went on.``, ``Trump shot back.``, ``As Tom Ridge put it: "..."``: a
    verb and its particle that report speech together."""
    particle = cues.PHRASAL_SPEECH.get(toks[k][2].lower())
    if particle is None or k + 1 >= end or toks[k + 1][2].lower() != particle:
        return False
    # the particle ends the clause ("shot back:", "went on."), not "goes on recess"
    return particle == "it" or k + 2 >= end or not toks[k + 2][2][:1].isalnum()


def opening_verb(toks: list[Tok], k: int, lo: int) -> bool:
    """``Said Comey, "..."``, ``Stated Stone:``: a capitalised verb of speech opening the
    sentence at ``lo``, the inverted order that puts the speaker after it."""
    w = toks[k][2]
    return (
        k == lo
        and w[:1].isupper()
        and not w.endswith("ing")
        and cues.REPORTING_FORMS.get(w.lower()) in cues.SAY_LIKE
    )


def _after_affiliation(toks: list[Tok], k: int, hi: int) -> int | None:
    """The reporting verb after a name's affiliation (``Jeffrey Lewis of the Middlebury
    Institute wrote``, ``Chief James Hall with the police department said``): a run of
    capitalised words, articles and joining words, then the verb; None for anything else."""
    for v in range(k, min(hi, k + 12)):
        w = toks[v][2]
        if is_verb(w):
            if w.endswith("ing") or cues.REPORTING_FORMS[w.lower()] not in cues.SAY_LIKE:
                return None
            return v if v > k else None
        if not (w[:1].isupper() or w.lower() in cues.AFFILIATION_JOINERS):
            return None
    return None


def _abbreviation_stop(toks: list[Tok], k: int, hi: int) -> bool:
    """A period that a comma follows ends an abbreviation ("McConnell, R-Ky., said"), not
    a sentence."""
    return toks[k][2] == "." and k + 1 < hi and toks[k + 1][2] == ","


# Titles that only ever stand before a name ("Dr Lena Fisk"), not role nouns ("chairman").
_NAME_TITLES = frozenset(
    "mr mr. mrs mrs. ms ms. dr dr. prof prof. sen sen. rep rep. gov gov. sir dame".split()  # noqa: SIM905
)


# "His message was clear:", "Her answer:": the words of the one the pronoun stands for.
_OWNERS = {"his": "he", "her": "she"}
_SPEECH_NOUNS = frozenset(
    "message words answer reply response verdict advice warning plea point view".split()  # noqa: SIM905
)


def _speech_of(toks: list[Tok], np: NP, k: int) -> NP | None:
    """``His message was clear: "..."``: a sentence opening with his or her and a noun
    for what someone says, ending in a colon before the quote, gives the words to the
    one the pronoun stands for (as a pronoun phrase, resolved like ``he``)."""
    words = np.text.split()
    colon = toks[k - 1][2] == ":" or (k < len(toks) and toks[k][2] == ":")
    if not colon or len(words) != 2 or words[1].lower() not in _SPEECH_NOUNS:
        return None
    pron = _OWNERS.get(words[0].lower())
    if pron is None:
        return None
    return NP("pron", words[0], np.start, np.start + len(words[0]), head=pron)


def skip_word(w: str) -> bool:
    wl = w.lower()
    return wl in cues.SKIP_BETWEEN or (bool(_LY.match(wl)) and wl not in cues.REPORTING_FORMS)


class PhraseShapes(ArticleDocument):
    """Finds the speaker's noun phrase next to a quote (read through the document)."""

    people: People
    is_place: Callable[[str], bool] | None

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
        if (
            _is_cap(w)
            or (w[:1].isupper() and wl.rstrip(".") in TITLE_LIKE)
            or w in self.people.word_names
        ):
            k = j
            while k - 1 >= lo:
                pw = toks[k - 1][2]
                pwl = pw.lower()
                if (
                    (_is_cap(pw) and not _POSS.search(pw))
                    or (pwl in cues.PARTICLES and k - 2 >= lo and _is_cap(toks[k - 2][2]))
                    or (pw[:1].isupper() and pwl in TITLE_LIKE)
                ):
                    k -= 1
                else:
                    break
            org = _org_head_before(toks, k, lo)
            while org is not None:
                # "the Ministry of Health", "Bank of England": an organisation's head
                # word and what it is "of" are one name
                k = org
                org = _org_head_before(toks, k, lo)
            full = self.text[toks[k][0] : toks[j][1]]
            if k - 2 >= lo and toks[k - 1][2] == "of" and self._is_place_name(full):
                # "Rep. Tom Cole of Oklahoma": the person, not where they come from
                person = self._np_back(toks, k - 2, lo)
                if person is not None and self.people.at(person.start, person.end) is not None:
                    return person
            return NP("name", full, toks[k][0], toks[j][1])
        if (
            w[:1].islower()
            and wl not in cues.PREPOSITIONS
            and wl not in cues.RELATIVE
            and w.isalpha()
        ) or (w[:1].isdigit() and _AGE_NOUN.fullmatch(w) is not None):  # "the 52-year-old"
            # common noun phrase: back to a determiner
            k = j
            name = None
            while k - 1 >= lo and j - k < 6:
                pw = toks[k - 1][2]
                pwl = pw.lower()
                if pwl in cues.DETERMINERS:
                    k -= 1
                    break
                if pwl in cues.PREPOSITIONS or pwl in cues.RELATIVE or not pw[0].isalnum():
                    break
                if is_verb(pw) or pwl in {"and", "or", "but", "is", "was", "are", "were"}:
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
                or t in self.people.word_names
                or (run_start is not None and tl in cues.SURNAME_WORDS and t[:1].isupper())
                or (t == "New" and k + 1 < hi and _is_cap(toks[k + 1][2]))  # New Hampshire
                or (
                    # a given name that is also a word: "said Will Doyle", "May Boeve"
                    run_start is None
                    and t[:1].isupper()
                    and k + 1 < hi
                    and _is_cap(toks[k + 1][2])
                    and gender_of_first(t) is not None
                )
            ):
                if run_start is None:
                    run_start = k
                last_cap_run = (run_start, k)
                if _POSS.search(t) and k + 1 < hi and not _is_cap(toks[k + 1][2]):
                    run_start = None  # "Trump's campaign": the name is a modifier
                k += 1
                continue
            if tl in cues.PARTICLES and run_start is not None:
                k += 1
                continue
            if run_start is not None and tl in _ORG_LINKS and _org_link_after(toks, k, hi):
                # "the Ministry of National Security said": the name goes on through "of"
                k += 2 if toks[k + 1][2] == "the" else 1
                continue
            if tl in cues.CAP_MODIFIERS:
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
            if k == i and tl in cues.DETERMINERS:
                k += 1
                continue
            if (
                last_cap_run is not None
                and last_cap_run[1] == k - 1
                and (tl.endswith("ed") or tl in cues.IRREGULAR_PAST)
            ):
                break  # "The Blaze's Matt Walsh provided a ...": the name, then its verb
            if (
                t[:1].islower()
                and t.isalpha()
                and tl not in cues.PREPOSITIONS
                and tl not in cues.RELATIVE
                and not is_verb(t)
                and tl not in {"and", "or", "but", "is", "was", "has", "had", "who"}
            ) or (t[:1].isdigit() and _AGE_NOUN.fullmatch(t) is not None):  # "the 52-year-old"
                head = tl
                k += 1
                continue
            break
        if k == i:
            return None, i
        text = self.text[toks[i][0] : toks[k - 1][1]]
        if last_cap_run is not None and last_cap_run[1] == k - 1:
            a, b = last_cap_run
            full = self.text[toks[a][0] : toks[b][1]]
            return NP("name", full, toks[a][0], toks[b][1]), k
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
                or is_verb(t)
                or (tl in cues.PREPOSITIONS and tl != "of")
                or tl in cues.DETERMINERS
                or tl.endswith("ed")
                or tl in cues.IRREGULAR_PAST
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
            if w in ENDERS or w in {",", ";", ":", "(", "—"}:
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
                if j < hi and toks[j][2].lower() in cues.NAME_NOUNS:
                    j += 1
                np, _ = self._np_fwd(toks, j, hi) if j < hi else (None, j)
                return np if np is not None and np.kind == "name" else None
            j += 1
        return None

    def _known_person(self, np: NP) -> bool:
        """Is ``np`` a mention of someone the article shows to be a person ("Washington,
        star of television's Scandal")?"""
        m = self.people.at(np.start, np.end)
        if m is None:
            return False
        rec = self.people.persons[m.person]
        return bool(rec.is_person or rec.gender)

    def _is_place_name(self, name: str) -> bool:
        return self.is_place is not None and bool(self.is_place(name))

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
            if not is_verb(w) or w.endswith("ing"):
                continue
            if cues.REPORTING_FORMS[w.lower()] in cues.WEAK_REPORTING:
                continue
            p = k - 1
            while p > i and skip_word(toks[p][2]):
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
            if (
                q >= i
                and toks[q][2].lower() == "as"
                and all(toks[m][2] in _LEAD_PUNCT for m in range(i, q))
            ):
                return np, k  # '"...," as Cruz said on the radio
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
            is_verb(w)
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
        while k < hi and k - k0 < 4 and skip_word(toks[k][2]):
            k += 1
        if k < hi and toks[k][2] == "(":
            while k < hi and toks[k][2] != ")":
                k += 1
            k += 1
        if k < hi and (is_verb(toks[k][2]) or _phrasal_speech(toks, k, hi)):
            return None if _weak_with_object(toks, k, hi) else (np, k)
        if np.kind == "name" and k < hi and toks[k][2] in cues.AFFILIATION_WORDS:
            v = _after_affiliation(toks, k + 1, hi)
            if v is not None:
                return np, v
        if k < hi and toks[k][2] == ",":
            # appositive: "X, a former adviser ..., wrote"
            k2 = k + 1
            while k2 < hi and k2 - k < 40:
                t = toks[k2][2]
                if (t in SENT_END and not _abbreviation_stop(toks, k2, hi)) or t in QMARKS:
                    return None
                if is_verb(t):
                    p = k2 - 1
                    while p > k and skip_word(toks[p][2]):
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
            if is_verb(w):
                if w.endswith("ing") or cues.REPORTING_FORMS[w.lower()] in cues.WEAK_REPORTING:
                    return None
                p = v - 1
                while p > i and skip_word(toks[p][2]):
                    p -= 1
                np = self._np_back(toks, p, i)
                return (np, v) if np is not None and np.kind == "name" else None
            wl = w.lower()
            if wl == "of" and v + 1 < hi and toks[v + 1][2][:1].islower():
                continue  # "secretary of state John Kerry", but not "a friend of Smith"
            if (
                not w[:1].isalnum()
                or wl in cues.PREPOSITIONS
                or wl in cues.RELATIVE
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
                not is_verb(w)
                and not (wl in cues.PHRASAL_SPEECH and _phrasal_speech(toks, k, j))
                and not (k == lo and opening_verb(toks, k, lo))
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
            if w.lower() in cues.LABEL_BREAKERS:
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
            if np is not None and np.kind == "noun" and st == lo:
                owner = _speech_of(toks, np, k)
                if owner is not None:
                    return owner
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

    def _words_of(self, toks: list[Tok], lo: int, j: int) -> NP | None:
        """``In Holt's words, "..."``, ``In the words of Karen Holt, "..."``: the name whose
        words the sentence says the quote is, right before its opening mark."""
        k = lo
        if j - k < 3 or toks[k][2].lower() != "in" or toks[j - 1][2] != ",":
            return None
        if toks[k + 1][2].lower() == "the" and toks[k + 2][2].lower() == "words":
            if j - k < 5 or toks[k + 3][2].lower() != "of":
                return None
            np, e = self._np_fwd(toks, k + 4, j - 1)
        elif toks[k + 2][2].lower() == "words" and (poss := _POSS.search(toks[k + 1][2])):
            owner = toks[k + 1]
            bare = owner[2][: poss.start()]
            np = NP("name", bare, owner[0], owner[0] + len(bare)) if _is_cap(bare) else None
            e = j - 1 if k + 3 == j - 1 else -1
        else:
            return None
        return np if np is not None and np.kind == "name" and e == j - 1 else None

    def _subject(self, toks: list[Tok], lo: int, v: int) -> NP | None:
        """Subject of the verb at ``v``: the noun phrase before it (skipping asides)."""
        j = v - 1
        while j >= lo and skip_word(toks[j][2]):
            j -= 1
        if (
            j - 2 >= lo
            and toks[j][2] == ","
            and toks[j - 2][2] == ","
            and toks[j - 1][2].lower() in cues.ASIDE_ADVERBS
        ):
            j -= 3  # "Forbes, however, says": the aside stands between subject and verb
        k = j - 1 if j >= lo and toks[j][2] == "," else j
        if k > lo and toks[k][2] == ")":
            # "Gov. John Kasich (R-Ohio), said": a name's parenthesis is an aside too
            o = next((m for m in range(k - 1, max(lo, k - 8) - 1, -1) if toks[m][2] == "("), None)
            if o is not None and o > lo:
                named = self._np_back(toks, o - 1, lo)
                if named is not None and named.kind == "name" and self._known_person(named):
                    return named
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
                    nl in cues.DETERMINERS
                    or nl in cues.RELATIVE
                    or nl == "whose"
                    or (nxt[:1].islower() and nl not in cues.PREPOSITIONS)
                    or _POSS.search(nxt)
                    or nl in TITLE_LIKE
                ):
                    np = self._np_back(toks, c - 1, lo)
                    if np is not None and np.kind == "noun" and nl in _NAME_TITLES:
                        # "The report's author, Dr Lena Fisk, said": the titled name
                        # set off after a description is the subject
                        inner, e = self._np_fwd(toks, c + 1, j)
                        if inner is not None and inner.kind == "name" and e == j:
                            return inner
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
        if w.lower() in cues.RELATIVE:
            # "X, who said"
            k = j - 1
            if k >= lo and toks[k][2] == ",":
                k -= 1
            return self._np_back(toks, k, lo)
        np = self._np_back(toks, j, lo)
        return np
