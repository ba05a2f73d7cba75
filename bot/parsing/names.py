"""Name resolution: a noun phrase found next to a quote made into a speaker. A name to
the full name of a known person, a pronoun to the nearest fitting person before it, a role
noun (``the aide``) to the person holding that role, an unnamed source described as the
article describes it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.parsing import cues
from bot.parsing.document import Tok
from bot.parsing.people import Mention, People, clean_tokens, gender_of_first
from bot.parsing.phrases import NP, PhraseShapes, skip_word
from bot.parsing.tokens import has_word

_NO_TITLES: set[str] = set()

_PREV_WORD = re.compile(r"(\w+)\W*$")
# Lower-case words, then a capitalised word: "[Trump] senior communications adviser Jason"
_ROLE_THEN_NAME = re.compile(r"[ \u00a0]+((?:[a-z][\w-]*[ \u00a0]+){1,5})[A-Z]")
_OPENERS = frozenset("\"“”‘’'([ \t\u00a0")
# How many sentences back a they or an it looks for the one it stands for.
_PRONOUN_SENTENCES = 3
_AGE_NOUN = re.compile(r"(\d{1,3})-year-old")
# The word after a pronoun, an adverb between skipped ("it also said").
_NEXT_WORD = re.compile(r"[ \u00a0]+(?:[a-z]+ly[ \u00a0]+)?([A-Za-z]+)")
_ORG_JOINERS = frozenset({"of", "for", "the", "and", "&"})
_CLAUSE_ENDS = frozenset("\n.!?:;—–-|•*")


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

    # Written out for mypyc (see people.PersonRecord).
    def __init__(
        self,
        speaker: str | None,
        role: str | None = None,
        cue: str | None = None,
        how: str = "",
        person: int | None = None,
        cue_start: int | None = None,
        np_kind: str | None = None,
        anonymous: bool = False,
    ) -> None:
        self.speaker = speaker
        self.role = role
        self.cue = cue
        self.how = how
        self.person = person
        self.cue_start = cue_start
        self.np_kind = np_kind
        self.anonymous = anonymous


def _trailing_modifier(word: str) -> bool:
    """An adverb, participle, verb or article that a noun phrase picked up at its end."""
    w = word.lower()
    return (
        w.endswith(("ly", "ed"))
        or w == "known"
        or w in cues.REPORTING_FORMS  # ("said", "told" too)
        or w in cues.DETERMINERS
    )


def _description(phrase: str) -> str | None:
    """An unnamed source as the article describes it ("a Chilean official", "the board"),
    on one line; None unless it is a plain noun phrase that opens with an article or a
    number and ends in a noun (not "but", "the past", "its analysis")."""
    words = phrase.split()
    while len(words) > 2 and _trailing_modifier(words[-1]):
        words.pop()  # "the editorial board recently", "a source involved"
    if not 2 <= len(words) <= 6 or words[0].lower() not in cues.DESCRIPTION_OPENERS:
        return None
    head = words[-1]
    if not (head.isalpha() and len(head) > 2) or head.lower() in cues.NOT_A_HEAD:
        return None
    if any(w.lower() in cues.NO_DESCRIPTION_WORDS for w in words[1:]):
        return None
    return " ".join(words)


class NameResolution(PhraseShapes):
    """Turns a phrase (found by PhraseShapes) into a speaker, with the people of the article."""

    people: People
    is_org: Callable[[str], bool] | None
    is_place: Callable[[str], bool] | None
    _anon: bool
    _unnamed: Attribution | None
    _titles: dict[int, set[str]] | None
    _word_end: dict[int, bool]  # person id -> its name ends in a word the text has in lower case
    #: (pronoun, offset, depth) -> its referent: a chain of pronouns is read once per link
    _pronouns: dict[tuple[str, int, int], tuple[str | None, str | None, int | None]]

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
            m = ppl.at(np.start, np.end)
            if not toks and m is None:
                # "the future President said": a title alone is the one holding it
                words = np.text.split()
                last = words[-1].lower().rstrip(".") if words else ""
                if last in cues.ROLE_NOUNS or last in cues.TITLES:
                    pid = self._role_person(last, pos, None)
                    if pid is not None:
                        rec = ppl.persons[pid]
                        return rec.name, rec.role, pid
                return None, None, None
            name = " ".join(toks)
            if m is not None and (m.start > np.start or m.end < np.end) and self._org_of(name):
                return name, None, None  # "the Ministry of Health", not a "Health" in it
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
        age = _AGE_NOUN.fullmatch(np.head or "")
        if age is not None and np.text.split()[0].lower() == "the":
            return self._aged(age.group(1), pos)  # "the 52-year-old said"
        # common noun phrase; "the aide" is someone named before, "one Clinton aide" or "a
        # Clinton spokesman" someone unnamed (described as such by _make)
        if np.head in cues.ROLE_NOUNS and np.text.split()[0].lower() in cues.INDEFINITE:
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
            named = ppl.persons[pid] if pid is not None else None
            if named is not None and (named.is_person or named.gender or len(named.tokens) > 1):
                return named.name, named.role, pid
            if self._anonymous_modifier(np):
                self._anon = True
                return None, None, None
            if named is not None:
                return named.name, named.role, pid
            return np.name, None, None
        return None, None, None

    def _subject_of(self, np: NP, verb: Tok) -> bool:
        """Does ``np`` stand right before ``verb`` (adverbs aside), as its subject does?"""
        if verb[1] <= np.start:  # inverted: "said an Iowa Democrat"
            between = self.text[verb[1] : np.start].split()
        else:
            between = self.text[np.end : verb[0]].split()
        return all(skip_word(w) for w in between)

    def _nationality(self, name: str) -> bool:
        """``Qatari``, ``Russian``: a people's adjective, never a person's name."""
        return (
            name.endswith(cues.DEMONYM_ENDS)
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
        """The referent of the pronoun at ``pos`` (``_resolve_pronoun``), remembered: each
        pronoun of a chain (she ... she ... she) looks back through the ones before it, so
        without this a long run of them costs the square of its length."""
        key = (pron, pos, depth)
        found = self._pronouns.get(key)
        if found is None:
            found = self._pronouns[key] = self._resolve_pronoun(pron, pos, depth)
        return found

    def _resolve_pronoun(
        self, pron: str, pos: int, depth: int
    ) -> tuple[str | None, str | None, int | None]:
        """He/she: the first fitting person of the nearest sentence before (Hobbs-style).

        News prose keeps its topic as the subject, so the leftmost fitting mention of the
        previous sentence beats the nearest one (often an object or a name in passing). A
        same pronoun that comes first in that sentence continues the chain: it is resolved
        the same way from where it stands.
        """
        if pron in ("they", "it"):
            # only as the subject of a verb of speech ("it said", "they added"): an it or
            # they of the reporter's own sentence ("it offered no answer") speaks nothing
            verb = _NEXT_WORD.match(self.text, pos + len(pron))
            base = cues.REPORTING_FORMS.get(verb.group(1).lower()) if verb is not None else None
            if base not in cues.SAY_LIKE or base == "offer":
                return None, None, None
            return self._they(pos) if pron == "they" else self._it(pos)
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

    def _sentences_back(self, pos: int) -> list[tuple[int, int, int]]:
        """(paragraph, start, end) of the sentence holding ``pos`` (up to ``pos``) and the
        sentences before it, nearest first, back to the previous paragraph at most."""
        pi = bisect.bisect_right(self._para_starts, pos) - 1
        out: list[tuple[int, int, int]] = []
        if pi < 0:
            return out
        sents = self._sentences(pi)
        si = bisect.bisect_right(sents, (pos, 1 << 62)) - 1
        if si >= 0:
            out.append((pi, sents[si][0], pos))
        out.extend((pi, a, b) for a, b in reversed(sents[: max(si, 0)]))
        if pi > 0:
            out.extend((pi - 1, a, b) for a, b in reversed(self._sentences(pi - 1)))
        return out[:_PRONOUN_SENTENCES]

    def _they(self, pos: int) -> tuple[str | None, str | None, int | None]:
        """Singular they: the one person the nearest sentence naming anyone names, when
        the article gives that person no gender (``Sam Rivera, a nurse, ... they said``).
        Two people or more there, or a he or she, make it the plural they: no one."""
        ppl = self.people
        for _pi, ss, se in self._sentences_back(pos):
            found: set[int] = set()
            i = ppl.before(ss)
            while i < len(ppl.mentions) and ppl.mentions[i].start < se:
                m = ppl.mentions[i]
                i += 1
                if not m.in_quote and self._someone(m.person):
                    found.add(m.person)
            if not found:
                continue
            if len(found) > 1 or self._plural_after(ppl.mentions[i - 1].end):
                return None, None, None
            rec = ppl.persons[found.pop()]
            if rec.gender is not None or len(rec.tokens) < 2 or gender_of_first(rec.tokens[0]):
                return None, None, None
            pid = ppl.by_key.get(" ".join(t.lower() for t in rec.tokens))
            return rec.name, rec.role, pid
        return None, None, None

    def _someone(self, pid: int) -> bool:
        """A person: known as one, given a gender, or a full name given a role (``Jordan
        Lee, a warehouse worker``)."""
        rec = self.people.persons[pid]
        if rec.is_person or rec.gender is not None:
            return True
        return rec.role is not None and len(rec.tokens) >= 2 and pid not in self.people.words

    def _aged(self, age: str, pos: int) -> tuple[str | None, str | None, int | None]:
        """``the 52-year-old``: the person given that age in the nearest sentences
        (``Karen Holt, 52,``, ``Holt (52)``, ``52-year-old Karen Holt``), else the one person
        the nearest sentence naming anyone names."""
        ppl = self.people
        text = self.text
        nearest: list[int] | None = None
        for _pi, ss, se in self._sentences_back(pos):
            found: list[int] = []
            i = ppl.before(ss)
            while i < len(ppl.mentions) and ppl.mentions[i].start < se:
                m = ppl.mentions[i]
                i += 1
                if m.in_quote or not self._someone(m.person):
                    continue
                after = text[m.end : m.end + 10]
                before = text[max(0, m.start - 14) : m.start]
                if after.startswith((f", {age}", f" ({age})", f", aged {age}")) or (
                    f"{age}-year-old" in before
                ):
                    rec = ppl.persons[m.person]
                    return rec.name, rec.role, m.person
                if m.person not in found:
                    found.append(m.person)
            if nearest is None and found:
                nearest = found
        if nearest is not None and len(nearest) == 1:
            rec = ppl.persons[nearest[0]]
            return rec.name, rec.role, nearest[0]
        return None, None, None

    def _plural_after(self, end: int) -> bool:
        """``Sam Rivera and her colleagues``: the name is one of several."""
        return self.text.startswith((" and ", ", and ", " with "), end)

    def _it(self, pos: int) -> tuple[str | None, str | None, int | None]:
        """It: the organisation the nearest sentence naming one names first (``The Met
        Office issued a warning. "...," it said``)."""
        if self.is_org is None:
            return None, None, None
        for pi, ss, se in self._sentences_back(pos):
            name = self._first_org(pi, ss, se)
            if name is not None:
                return name, None, None
        return None, None, None

    def _first_org(self, pi: int, ss: int, se: int) -> str | None:
        """The first run of capitalised words in ``[ss, se)`` of paragraph ``pi``, outside
        quotes, that names an organisation (the gazetteer's, or a name the article has for
        no person: ``Tata Steel``)."""
        toks = self.toks(pi)
        mask = self.mask(pi)
        k = self._index_at(toks, ss)
        while k < len(toks) and toks[k][0] < se:
            if mask[k] or not toks[k][2][:1].isupper():
                k += 1
                continue
            run = k
            while (
                run < len(toks)
                and toks[run][0] < se
                and not mask[run]
                and (toks[run][2][:1].isupper() or toks[run][2] in _ORG_JOINERS)
            ):
                run += 1
            while run > k and toks[run - 1][2] in _ORG_JOINERS:
                run -= 1
            words = [t[2] for t in toks[k:run]]
            if words and words[0].lower() == "the":
                words = words[1:]
            name = " ".join(words)
            if name and self._names_an_org(name):
                return name
            k = max(run, k + 1)
        return None

    def _names_an_org(self, name: str) -> bool:
        if self.is_org is not None and self.is_org(name):
            return True
        pid = self.people.lookup(name)
        if pid is None or pid in self.people.words:
            return False
        rec = self.people.persons[pid]
        return (
            len(rec.tokens) >= 2
            and rec.gender is None
            and rec.name == name
            and gender_of_first(rec.tokens[0]) is None
            and not self._titles_of(pid)
        )

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
        if rec.is_person:
            return True
        return len(rec.tokens) >= 2 and not self._common_word_end(m.person)

    def _org_of(self, name: str) -> bool:
        """``Ministry of Health``, ``Office for National Statistics``: an organisation's
        head word and what it is of or for."""
        head, sep, _rest = name.partition(" of ")
        if not sep:
            head, sep, _rest = name.partition(" for ")
        return bool(sep) and head.split()[-1].lower() in cues.COMPANY_WORDS

    def _common_word_end(self, pid: int) -> bool:
        """``Democratic National Convention``, ``Education Reform``: a name of no known
        person whose last word the article also uses in lower case is a thing's name, no
        one "he" or "she" can be."""
        found = self._word_end.get(pid)
        if found is None:
            last = self.people.persons[pid].tokens[-1]
            found = last[:1].isupper() and has_word(self.text, last.lower())
            self._word_end[pid] = found
        return found

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
        return wl in cues.PREPOSITIONS or wl in cues.DETERMINERS

    def _titles_of(self, pid: int) -> set[str]:
        """Title words a person is named with anywhere ("Sen." -> "senator")."""
        if self._titles is None:
            self._titles = {}
            for m in self.people.mentions:
                if m.title:
                    for w in m.title.lower().split():
                        w = w.rstrip(".")
                        self._titles.setdefault(m.person, set()).add(cues.TITLE_WORDS.get(w, w))
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
            if head in role.replace("-", " ").split() or head in self._titles_of(m.person):
                if name is None:
                    return m.person
                reach = len(name) + len(m.title or "") + 3  # "Ohio Gov. John Kasich"
                if name.lower() in role or name in text[max(0, m.start - reach) : m.start]:
                    return m.person
                if first is None:
                    first = m.person
        return first

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
