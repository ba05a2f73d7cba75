"""What trafilatura keeps that is not the article: one small step that drops it, with reasons.

trafilatura (in its balanced mode: its precision mode also cuts link words out of sentences)
hands over the page's text as blocks: paragraphs, headings and list items, each with the
share of its characters that sat inside links. Each block that is page furniture rather than
the story is dropped here, under one of a few reasons, so a page that is nothing but
furniture can be refused saying what it was:

* ``link``: a related-story link (``Read more: ...``, a headline that is all link), a list
  of links (``More Must-Reads From ...``) and the heading that introduces it;
* ``promo``: sign-up, newsletter, share and app prompts, gallery and widget labels;
* ``credit``: bylines and staff lines, photo credits, contributor, wire and copyright
  footers, an editor's update note;
* ``headline``: the title repeated at the top of the text.

A dateline left alone on its line (``WASHINGTON —``) is joined to the paragraph it starts.
Titles lose the site's name and the date appended to them (``| CNN Politics``,
``| DW | 19.01.2020``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

#: A block is a link when this share of it is link text (and it is short, see below).
LINK_SHARE = 0.8
#: A list item is a link at a lower share: the list around it is a list of links.
ITEM_LINK_SHARE = 0.5
#: A list whose items mostly hold this share of links, and are short, is a list of links.
LIST_ITEM_LINKED = 0.25
LIST_ITEM_CHARS = 100
#: Longest block (characters) that can be a related-story link.
MAX_LINK_CHARS = 250
#: Longest block (words) that can be a prompt, a credit or a footer.
MAX_FURNITURE_WORDS = 60
#: Blocks this near the top can repeat the headline.
HEADLINE_ZONE = 4

_QUOTE_MARKS = re.compile(r"[\"“”„«»]|(?<!\w)['‘]|['’](?!\w)")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SENTENCE_ENDS = (".", "!", "?", "…", ":", "。", "！", "？")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LABEL = re.compile(
    r"(?i)^(?:read more|read also|also read|more|related(?: (?:articles?|stories|coverage|"
    r"content|links?|reading))?|see also|also see|further reading|recommended(?: for you)?|"
    r"trending(?: now)?|most (?:read|popular|viewed)|top stories|latest(?: news)?|"
    r"more (?:on|from|about|stories|news|coverage)\b[^:|]{0,40}|watch|listen|explore|"
    r"our standards)\s*[:|›»>]\s*\S"
)
_LONE_LABEL = re.compile(
    r"(?i)^(?:advertisement|advert|sponsored(?: content)?|ad|related(?: articles| stories)?|"
    r"recommended|trending(?: now)?|most (?:read|popular|viewed)|top stories|read more|"
    r"show more|see more|load more|continue reading|story continues below(?: advertisement)?|"
    r"share|share this(?: article| story)?|print|e-?mail|tweet|comments?|view comments|"
    r"(?:show|view|see) all(?: \d+)?(?: photos| images)?|view gallery|skip to content|"
    r"scroll (?:down|to continue)|enable javascript.*|[\w ,'’&-]{0,40} in pictures|"
    r"(?:photos?|video|gallery))[.:!]?$"
)
_PROMPT = re.compile(
    r"(?i)\b(?:sign[- ]?up|subscribe|newsletters?|click here|tap here|download (?:the|our)|"
    r"follow us|like us on|share (?:this|on|your (?:videos?|photos?|pictures|stories|story|"
    r"experiences?|thoughts|tips?))|never miss|watch (?:it )?live|listen live|join the "
    r"conversation|leave a comment|comments? (?:are|is) closed|we want to hear|send us your|"
    r"get (?:the|our) (?:app|alerts?|latest))"
)
_READER = re.compile(r"(?i)\b(?:you|your|you're|here|free|us|our)\b")
_WIDGET = re.compile(r"(?i)^(?:loading|please wait)\b.{0,40}(?:\.\.\.|…)$")
_COPYRIGHT = re.compile(
    r"(?i)^\W*(?:©|\(c\)|copyright\b)|all rights reserved|may not be (?:re)?(?:published|"
    r"broadcast|rewritten|redistributed|reproduced)"
)
_CONTRIBUTORS = re.compile(
    r"(?i)(?:^(?:additional |with )?(?:reporting|writing|editing|research|compiled|"
    r"produced|translated) by\b|contributed(?: reporting)? to this (?:report|story|article)|"
    r"^this (?:story|article|post|report) (?:has been|was) updated\b|^(?:write to|contact|"
    r"e-?mail|reach) .{0,60}\bat\b|^(?:the[- ])?[\w-]{2,20}[- ]wire$)"
)
_PHOTO_CREDIT = re.compile(
    r"(?i)^\(?(?:photo(?:graph)?s?|images?|pictures?|video|graphic|illustration|caption)"
    r"(?: credits?)?\s*(?::|by\b|courtesy\b)|\b(?:getty images|ap photo|afp via getty|"
    r"shutterstock|istock(?:photo)?|epa-efe|reuters/[A-Z])|\((?:photo|image|file photo)\b[^)]*\)$"
)
_BYLINE = re.compile(
    r"^(?i:by)\s+(?:(?:[A-Z][\w.'’-]*|[A-Z]{2,}|and|de|van|von|la|le|da|del)[\s,]*){1,10}$"
)
_STAFF = re.compile(
    r"(?i)^(?:[\w.'’-]+\s+){0,3}(?:staff\s+)?(?:reporters?|writers?|correspondents?|editors?|"
    r"contributors?|columnists?|photographers?)$"
)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’()-]{1,60}\s*(?:—|–|--|-)$")
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||::|–|—|·|»|-)\s+")
_DATE = re.compile(
    r"(?i)^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|(?:\d{1,2} )?(?:jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2} (?:jan|feb|mar|apr|may|"
    r"jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4})$"
)


@dataclass(frozen=True, slots=True)
class Block:
    """One line of the extracted text: ``kind`` is ``p``, ``head`` or ``item``."""

    text: str
    kind: str = "p"
    link_share: float = 0.0


@dataclass(slots=True)
class Cleaned:
    """The article's paragraphs, and each dropped block as ``(reason, text)``."""

    paragraphs: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)


def _words(text: str) -> int:
    """Words, counting each Chinese or Japanese character (or Korean syllable) as one."""
    return len(_WORD.findall(text)) + len(_CJK.findall(text))


def _is_prose(text: str) -> bool:
    """A sentence of the story: several words, ending like a sentence."""
    return _words(text) >= 8 and text.rstrip("”’\"')]」』").endswith(_SENTENCE_ENDS)


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _repeats_headline(text: str, title: str) -> bool:
    a, b = _squash(text), _squash(title)
    if not a or not b or not 0.7 <= len(a) / len(b) <= 1.4:
        return False
    if text.endswith(".") and not title.endswith("."):
        return False  # a sentence of the lead, not a headline
    x, y = text.casefold(), title.casefold()
    return max(fuzz.ratio(x, y), fuzz.token_set_ratio(x, y)) >= 90


def furniture(block: Block, *, at_top: bool) -> str | None:
    """Why ``block`` is not article text (a reason above), or None when it is."""
    text = block.text
    if block.kind == "item":
        text = text.removeprefix("- ").strip()
    words = _words(text)
    if len(text) <= MAX_LINK_CHARS:
        share = ITEM_LINK_SHARE if block.kind == "item" else LINK_SHARE
        if block.link_share >= share or (_LABEL.match(text) and block.link_share >= 0.3):
            return "link"
    if words > MAX_FURNITURE_WORDS:
        return None
    if _LONE_LABEL.match(text) or _WIDGET.match(text):
        return "promo"
    quoted = bool(_QUOTE_MARKS.search(text))
    if _LABEL.match(text) and not quoted:
        return "link"
    if not quoted and _PROMPT.search(text) and _READER.search(text):
        return "promo"
    if _COPYRIGHT.search(text) or (not quoted and _CONTRIBUTORS.search(text)):
        return "credit"
    if words <= 25 and not quoted and _PHOTO_CREDIT.search(text):
        return "credit"
    if words <= 12 and (_BYLINE.match(text) or _STAFF.match(text)):
        return "credit"
    if words <= 15 and not quoted and _EMAIL.search(text):
        return "credit"
    if at_top and words <= 3 and not _is_prose(text) and not _DATELINE.match(text):
        return "credit"  # a source tag or kicker above the lead ("CNN", "Exclusive")
    return None


def clean_blocks(blocks: Sequence[Block], title: str | None) -> Cleaned:
    """Drop the page furniture from ``blocks`` (see the module docstring)."""
    reasons: list[str | None] = []
    lead_seen = False
    for index, block in enumerate(blocks):
        reason = furniture(block, at_top=not lead_seen)
        if reason is None and title and index < HEADLINE_ZONE and not lead_seen:
            reason = "headline" if _repeats_headline(block.text, title) else None
        reasons.append(reason)
        lead_seen = lead_seen or (reason is None and _is_prose(block.text))
    _drop_link_lists(blocks, reasons)
    cleaned = Cleaned()
    for block, reason in zip(blocks, reasons, strict=True):
        if reason is not None:
            cleaned.dropped.append((reason, block.text))
        elif cleaned.paragraphs and _DATELINE.match(cleaned.paragraphs[-1]):
            cleaned.paragraphs[-1] = f"{cleaned.paragraphs[-1]} {block.text}"
        else:
            cleaned.paragraphs.append(block.text)
    return cleaned


def _drop_link_lists(blocks: Sequence[Block], reasons: list[str | None]) -> None:
    """A list that is mostly links goes whole, with the heading just above it."""
    start = 0
    while start < len(blocks):
        if blocks[start].kind != "item":
            start += 1
            continue
        end = start
        while end < len(blocks) and blocks[end].kind == "item":
            end += 1
        items = blocks[start:end]
        furnished = sum(1 for r in reasons[start:end] if r in ("link", "promo"))
        linked = sum(1 for b in items if b.link_share >= LIST_ITEM_LINKED)
        short = sum(len(b.text) for b in items) < LIST_ITEM_CHARS * len(items)
        if (furnished and 2 * furnished >= len(items)) or (short and 3 * linked >= 2 * len(items)):
            reasons[start:end] = ["link"] * (end - start)
            if start and blocks[start - 1].kind == "head" and reasons[start - 1] is None:
                reasons[start - 1] = "link"  # "More Must-Reads From ..."
        start = end


def clean_site(site: str | None) -> str | None:
    """A site name without the slogan appended to it (``WSVN 7News | Miami News, ...``)."""
    if not site:
        return None
    head = re.split(r"\s+[|–—·»]\s+", site.strip(), maxsplit=1)[0].strip()
    return head or site.strip()


def _site_keys(site: str | None, host: str | None) -> set[str]:
    keys = {_squash(site)} if site else set()
    if site and site.casefold().startswith("the "):
        keys.add(_squash(site[4:]))
    if host:
        labels = [p for p in host.casefold().removeprefix("www.").split(".") if p]
        generic = {"com", "co", "org", "net", "news", "gov", "edu", "ac", "uk", "au", "ca", "de"}
        named = [p for p in labels[:-1] if p not in generic] or labels[:1]
        if named:
            keys.add(_squash(named[-1]))
    return {k for k in keys if len(k) >= 2}


def _site_like(segment: str, keys: set[str]) -> bool:
    squashed = _squash(segment)
    if not squashed:
        return False
    if _DATE.match(segment.strip()):
        return True
    return any(squashed.startswith(k) or (len(squashed) >= 2 and k == squashed) for k in keys)


def clean_title(title: str, site: str | None = None, host: str | None = None) -> str:
    """``title`` without the site name, section or date glued to its end (or start)."""
    title = " ".join(title.split())
    keys = _site_keys(clean_site(site), host)
    if site and title.endswith(site.strip()) and len(title) > len(site.strip()) + 10:
        title = title[: -len(site.strip())].rstrip(" |–—-·»:")
    seps = list(_TITLE_SEPARATOR.finditer(title))
    for sep in seps:
        rest = title[sep.end() :]
        following = _TITLE_SEPARATOR.split(rest, maxsplit=1)[0]
        head = title[: sep.start()]
        if _site_like(following, keys) and _words(head) >= 2:
            return head.strip()
    if seps:
        first = seps[0]
        lead, rest = title[: first.start()], title[first.end() :]
        if _site_like(lead, keys) and _words(rest) >= 3:
            return rest.strip()
    return title
