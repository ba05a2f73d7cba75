"""``parse_article``: runs the parsing steps in order and assembles a :class:`ParsedArticle`."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache

from bot.parsing import cues
from bot.parsing.attribution import Attributor
from bot.parsing.embeds import embedded_posts
from bot.parsing.entities import (
    EntityMention,
    canonical_place,
    find_entities,
    is_organisation,
)
from bot.parsing.model import ParsedArticle, Person, Quote
from bot.parsing.names import Attribution
from bot.parsing.not_people import named_only_in_works, used_as_things
from bot.parsing.not_quotes import (
    discourse_word,
    gloss_of,
    names_a_thing,
    scare_term,
    titled_after,
    trimmed_span,
)
from bot.parsing.people import People, PeopleFinder
from bot.parsing.quotes import SINGLE_MARKS, Segment, segment_quotes, single_quoted
from bot.parsing.reported import find_reported
from bot.parsing.structure import parse_layout
from bot.parsing.tokens import has_word
from bot.parsing.topics import extract_topics
from bot.parsing.transcripts import transcript_quotes

log = logging.getLogger(__name__)
_PARTIAL_MAX_WORDS = 3


@lru_cache(maxsize=16384)
def _not_a_person(name: str) -> bool:
    """An organisation or a place, not a person: pure in ``name``, so it is remembered
    across articles (the same capitalised runs recur in every story)."""
    try:
        return is_organisation(name) or canonical_place(name) is not None
    except Exception:  # a gazetteer bug must not cost the quotes
        log.exception("entity lookup failed for %r", name)
        return False


@lru_cache(maxsize=16384)
def _is_place(name: str) -> bool:
    """A known place or one of its adjectives ("Qatari" -> Qatar); remembered across articles."""
    try:
        return canonical_place(name) is not None
    except Exception:  # a gazetteer bug must not cost the quotes
        log.exception("place lookup failed for %r", name)
        return False


def _entities(text: str, start: int, persons: frozenset[str]) -> list[EntityMention]:
    try:
        return find_entities(text, start, persons=persons)
    except Exception:
        log.exception("find_entities failed")
        return []


_SMALL_WORDS = frozenset(
    "a an the and or of in on at to for with by from as but nor vs via de la le".split()  # noqa: SIM905
)


# How a quote got its speaker that rules out a title: "...," X said; a sentence of its own
# that goes on with the speaker of the quote before ("That's Jeb Bush and Marco Rubio.").
_NOT_A_TITLE = frozenset({"after", "split", "continued"})


# How a quote got its speaker that is a cue in the quote's own sentence.
_OWN_CUE = frozenset({"after", "before", "dash", "unknown"})


def looks_like_title(quote: str) -> bool:
    """``"Meet the Press"``, ``"The Art of the Deal"``: a name of a work, not speech.

    Every word but the small ones is capitalised and there are few of them.
    """
    words = [w.strip(".,:;!?'’\"“”()") for w in quote.split()]
    words = [w for w in words if w]
    if not words or len(words) > 10:
        return False
    if all(w.isupper() for w in words):
        return False  # shouting, not a title
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS or not w[0].isalpha() for w in words)


_OPENERS = frozenset("\"“”‘’'([ \t\u00a0")
_CLAUSE_ENDS = frozenset("\n.!?:;—–-|•*")
_WORDISH_TAIL = re.compile(
    r"(?:ly|ing|ed)\Z|\A(?:(?:twen|thir|for|fif|six|seven|eigh|nine)ty|(?:thir|four|fif|six"
    r"|seven|eigh|nine)teen|eleven|twelve|hundreds?|thousands?|dozens?)\Z"
)


def _sentence_initial_words(text: str, people: People) -> set[int]:
    """Persons that are only a capitalised common word: "Aides said", "Critics say",
    "Specifically, ...". One word, no gender or role, every mention opens a sentence,
    and the word is a plural noun for people, is used in lower case in the article or
    has an adverb/verb ending."""
    first_only: dict[int, bool] = {}
    speaking: set[int] = set()
    for m in people.mentions:
        rec = people.persons[m.person]
        if (
            len(rec.tokens) != 1
            or rec.gender is not None
            or m.title
            or (rec.role and not _WORDISH_TAIL.search(rec.name.lower()))
        ):
            # ("Eventually, the judge ...": no appositive makes an adverb someone)
            first_only[m.person] = False
            continue
        if not first_only.get(m.person, True):
            continue
        i = m.start - 1
        while i >= 0 and text[i] in _OPENERS:
            i -= 1
        if text[max(0, i - 2) : i + 1] in ("The", " A") and (i < 3 or not text[i - 3].isalnum()):
            i -= 3 if text[i - 2] == "T" else 2  # "The Struggle to ...": a heading's article
            while i >= 0 and text[i] in _OPENERS:
                i -= 1
        first_only[m.person] = i < 0 or text[i] in _CLAUSE_ENDS
        if _speaks(text, m.end):
            speaking.add(m.person)
    out: set[int] = set()
    name_words: set[str] | None = None
    for pid, only in first_only.items():
        if not only:
            continue
        word = people.persons[pid].name
        lower = word.lower()
        if cues.group_word(lower) or _WORDISH_TAIL.search(lower) or has_word(text, lower):
            out.add(pid)
            continue
        if name_words is None:
            name_words = {
                t.lower() for rec in people.persons if len(rec.tokens) > 1 for t in rec.tokens
            }
        if lower not in name_words and pid not in speaking:
            # "Often, ...", "Moments earlier": a word only ever opening a sentence, that no
            # one's full name holds and that never speaks ("Cruz said"), names no one
            out.add(pid)
    return out


_NEXT_WORD = re.compile(r"[ \u00a0]+(\w+)")


def _speaks(text: str, end: int) -> bool:
    """A reporting verb right after a name ("Cruz said", "Trump told"): someone speaking."""
    m = _NEXT_WORD.match(text, end)
    return m is not None and m.group(1).lower() in cues.REPORTING_FORMS


def _kind(text: str, seg: Segment) -> str:
    """``partial`` for a few words woven into the reporter's sentence, else ``direct``."""
    words = text[seg.start : seg.end].split()
    if len(words) < _PARTIAL_MAX_WORDS:
        return "partial"
    return "direct"


def _clean(text: object) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return text


def parse_article(raw: str | bytes | None, *, transcripts: bool = False) -> ParsedArticle:
    """Parse one article's text (offsets in the result index into the text, decoded).

    Bytes are decoded as UTF-8 (bad bytes replaced) and None is an empty article: the
    parser never raises on odd input.

    ``transcripts``: also read the turns of an interview transcript printed without
    quote marks (``Q:``/``A:``, ``NAME:`` lines; ``transcripts.py``). Off by default:
    PolNeAR's annotation counts only marked quotes, so every turn read costs precision
    there, while readers of real pages count the answers as the interviewee's quotes."""
    text = _clean(raw)
    layout = parse_layout(text)
    art = ParsedArticle(
        title=layout.title,
        body_start=layout.body_start,
        date=layout.date,
        source=layout.source,
        url=layout.url,
        sample=layout.sample,
        paragraphs=layout.paragraphs,
    )
    if not layout.paragraphs:
        return art
    segments = single_quoted(text, layout.paragraphs, segment_quotes(text, layout.paragraphs))
    quoted = [(s.start, s.end) for s in segments]
    spans = [(p.start, p.end) for p in layout.paragraphs]
    if layout.title_span is not None:
        spans.insert(0, layout.title_span)
    people = PeopleFinder(text, _not_a_person).find(spans, quoted, layout.title_span)
    people.words = _sentence_initial_words(text, people)
    att = Attributor(text, layout.paragraphs, segments, people, is_organisation, _is_place)
    attributions = att.run()

    quotes: list[Quote] = []
    works: list[tuple[int, int]] = []  # marks holding a title, a nickname, a sign
    named_before: Segment | None = None  # the last segment that named a thing
    kept: Segment | None = None  # the last segment kept as a quote
    for si, (seg, attr) in enumerate(zip(segments, attributions, strict=True)):
        if names_a_thing(text, seg) or titled_after(text, seg) or gloss_of(text, seg, named_before):
            named_before = seg  # a title, a nickname, a sign: no one's words
            works.append((seg.start, seg.end))
            continue
        if discourse_word(text[seg.start : seg.end]):
            continue
        if attr.how == "subject" and scare_term(text, seg):
            continue  # a term in the reporter's sentence, its speaker only a neighbour
        # A quotation nobody can be found for (a title, a scare quote, a slogan) is not
        # a statement the bot can answer "who said" with: leave it out. One said by
        # someone unnamed ("a Qatari official said") stays, without a speaker, and so
        # does plain speech whose speaker is not found ('"...," the future President said').
        if (
            seg.mark in SINGLE_MARKS
            and attr.how not in _OWN_CUE
            and not _single_goes_on(seg, attr, kept)
            and not _single_leads_in(attr, segments, si)
        ):
            continue  # single marks also set off terms and titles: only with their own cue
        if attr.how not in _NOT_A_TITLE and looks_like_title(text[seg.start : seg.end]):
            works.append((seg.start, seg.end))
        elif (
            attr.speaker
            or attr.anonymous
            or attr.how == "unknown"
            or _spoken_before(text, seg, attr)
        ):
            quotes.append(_quote(text, seg, attr))
            kept = seg
    quotes.extend(embedded_posts(text, layout.paragraphs, quoted, _full_name(people)))
    turns = (
        transcript_quotes(
            text, layout.paragraphs, layout.title, people, [(q.start, q.end) for q in quotes]
        )
        if transcripts
        else []
    )
    quotes.extend(turns)
    for rq in find_reported(att, quoted + [(q.start, q.end) for q in turns]):
        quotes.append(rq)
    quotes.sort(key=lambda q: q.start)
    art.quotes = quotes

    # entities from the body
    places: dict[str, None] = {}
    orgs: dict[str, None] = {}
    person_words = frozenset(
        t.lower()
        for rec in people.persons
        if rec.mentions > 0 and (rec.is_person or rec.gender is not None)
        for t in rec.tokens
    )
    for ent in _entities(text, layout.body_start, person_words):
        (places if ent.kind == "place" else orgs).setdefault(ent.canonical, None)
    art.places = list(places)
    art.organisations = list(orgs)

    speakers = {q.speaker for q in quotes if q.speaker}
    persons = []
    sentence_words = people.words | used_as_things(text, people, speakers)
    sentence_words |= named_only_in_works(people, works) - {
        pid for pid, rec in enumerate(people.persons) if rec.name in speakers
    }
    for pid, rec in enumerate(people.persons):
        if rec.mentions <= 0:
            continue
        if not rec.is_person and rec.name not in speakers and rec.gender is None:
            continue
        if rec.name in orgs or rec.name in places or pid in sentence_words:
            continue
        persons.append(Person(rec.name, rec.role, rec.mentions))
    art.people = persons
    body = text[layout.body_start :]
    try:
        art.topics = extract_topics(
            layout.title, body, art.places, art.organisations, [p.name for p in persons]
        )
    except Exception:  # a topic bug must not cost the quotes
        log.exception("extract_topics failed")
        art.topics = []
    return art


def _single_goes_on(seg: Segment, attr: Attribution, kept: Segment | None) -> bool:
    """``‘...,’ said Dr Brel. ‘...’`` or a paragraph of its own after it: single marks
    that go on with the single-marked quote kept just before, in its paragraph or the
    next (UK papers carry a speaker's words on this way)."""
    return (
        attr.how in ("split", "continued")
        and kept is not None
        and kept.mark in SINGLE_MARKS
        and seg.para - kept.end_para in (0, 1)
    )


def _single_leads_in(attr: Attribution, segments: list[Segment], si: int) -> bool:
    """A bare single-marked paragraph before one whose speaker is named after it (``‘...’``
    then ``‘...,’ said Hughes``): the start of what that speaker said, in the same marks."""
    return (
        attr.how == "lead-in"
        and si + 1 < len(segments)
        and segments[si + 1].mark == segments[si].mark
    )


# Between "According" and the opening mark: "to", a source with no name ("the study", a
# name would have been its speaker) and an aside, in one clause.
_ACCORDING_GAP = re.compile(r" to [^A-Z.!?;:\n\"“”]{1,100}?,(?:[^.!?;:\n\"“”]{0,60},)?[ \u00a0]*")


def _spoken_before(text: str, seg: Segment, attr: Attribution) -> bool:
    """``the group said: "..."`` with no one found for the verb: a verb of speech right
    before the opening mark (or ``according to`` a source and a comma) makes the marks
    hold speech, its speaker unknown."""
    if attr.how != "before" or attr.cue is None or attr.cue_start is None:
        return False
    between = text[attr.cue_start + len(attr.cue) : seg.open_mark]
    if attr.cue.lower() == "according":
        # "According to the study, published in Nature, "..."": the source, then the words
        return between.startswith(" to ") and _ACCORDING_GAP.fullmatch(between) is not None
    if cues.REPORTING_FORMS.get(attr.cue.lower()) not in cues.SAY_LIKE:
        return False
    return between.strip(" ,:\u00a0") == ""


def _full_name(people: People) -> Callable[[str], str]:
    """A written name as the article's fullest name for that person (itself if unknown)."""

    def full(name: str) -> str:
        pid = people.lookup(name)
        return people.persons[pid].name if pid is not None else name

    return full


def _quote(text: str, seg: Segment, attr: Attribution) -> Quote:
    start, end = trimmed_span(text, seg.start, seg.end)
    if end <= start:
        start, end = seg.start, seg.end
    return Quote(
        start=start,
        end=end,
        text=text[start:end],
        speaker=attr.speaker,
        speaker_role=attr.role,
        cue=attr.cue,
        kind=_kind(text, seg),  # type: ignore[arg-type]
        paragraph=seg.para,
    )
