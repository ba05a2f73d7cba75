"""/who said <words>: the quotes that best match, with the speaker and the story.

"More" buttons carry the ids of the next quotes, so they still work after a restart and no
per-chat state is kept.
"""

from __future__ import annotations

import re

from telegram import Update

from bot.context import NewsContext
from bot.render import clip, esc
from bot.search.names import NamedHit
from bot.services import Services
from bot.views import SPEAKER_UNKNOWN, quote_block
from handlers.common import (
    MAX_QUERY_CHARS,
    answer_button,
    argument_text,
    button_payload,
    reply,
    row_number,
)
from handlers.quotes import SpeakerHit, page_of, speaker_hits

PAGE = 3
MAX_RESULTS = 9
_LEADING_SAID = re.compile(r"^\s*(?:who\s+)?said\b[\s:,-]*", re.IGNORECASE)
_PLAIN_WHO_SAID = re.compile(r"^\s*who\s+said\b", re.IGNORECASE)
MORE_PREFIX = "qs:"


def query_from(update: Update) -> str:
    """The phrase after '/who said', '/whosaid', '/who' or a plain 'who said …?'."""
    text = argument_text(update)
    text = _LEADING_SAID.sub("", text)
    return text.strip().strip("?!.").strip().strip("\"'“”«»„")


#: 'who said that?' points at a quote the bot cannot see: it asks which one instead.
_POINTING = frozenset(
    ["that", "it", "this", "so", "that quote", "this quote", "those words", "these words"]
)
ASK_WHICH = (
    "Which quote? Send me a few of its words, for example:\n"
    "<code>who said last ones to hang up</code>"
)
#: ``/who <name>`` is a name (not words of a quote) when a person matches it this well.
NAME_SCORE = 90.0


def names_a_speaker(svc: Services, query: str) -> NamedHit | SpeakerHit | None:
    """The person or organisation ``/who <query>`` names, if it is a name at all."""
    if len(query.split()) > 4:
        return None
    hits: list[NamedHit | SpeakerHit] = [
        *svc.search.people(query, limit=1),
        *speaker_hits(svc, query, 1),
    ]
    hits = [h for h in hits if h.score >= NAME_SCORE]
    return max(hits, key=lambda h: h.score) if hits else None


async def who_said(update: Update, context: NewsContext) -> None:
    query = query_from(update)
    said = bool(_LEADING_SAID.match(argument_text(update)))
    if query.casefold() in _POINTING:
        await reply(update, [ASK_WHICH])
        return
    if query and not said and (speaker := names_a_speaker(context.services, query)):
        blocks, buttons = page_of(context.services, speaker, 0)
        tip = f"<i>Looking for a quote? <code>/who said {esc(clip(query, 40))}</code></i>"
        await reply(update, [*blocks, tip], buttons)
        return
    if not query:
        await reply(
            update,
            [
                "Tell me some words of the quote, for example:\n"
                "<code>/who said last ones to hang up</code>"
            ],
        )
        return
    notes = []
    if len(query) > MAX_QUERY_CHARS:
        query = query[:MAX_QUERY_CHARS]
        notes.append(
            f"<i>That was long, so I searched for the first {MAX_QUERY_CHARS} characters.</i>"
        )
    svc = context.services
    hits = svc.search.who_said(query, limit=MAX_RESULTS)
    if not hits:
        await reply(update, [*notes, *not_found(svc, query)])
        return
    blocks = list(notes)
    page = hits[:PAGE]
    rows = {q["id"]: q for q in svc.store.articles.quotes([hit.quote_id for hit in page])}
    for hit in page:
        quote = rows.get(hit.quote_id)
        if quote:
            blocks.append(quote_block(quote, hit.highlight))
    rest = [hit.quote_id for hit in hits[PAGE:]]
    await reply(update, blocks, more_button(rest))


def not_found(svc: Services, query: str) -> list[str]:
    blocks = [f"I found nobody who said “{esc(clip(query, 120))}”."]
    near = svc.search.closest_quotes(query, limit=3)
    if near:
        lines = ["Did you mean one of these?"]
        for quote in svc.store.articles.quotes([hit.quote_id for hit in near]):
            who = esc(quote.get("speaker") or SPEAKER_UNKNOWN)
            lines.append(f"• “{esc(clip(quote['text'], 90))}” — {who}")
        blocks.append("\n".join(lines))
    else:
        blocks.append("Try a few distinctive words from the quote, or /quotes &lt;name&gt;.")
    return blocks


def more_button(quote_ids: list[int]) -> list[list[tuple[str, str]]] | None:
    """A 'More' button whose data lists the next page of quote ids (≤ 64 bytes)."""
    if not quote_ids:
        return None
    data = MORE_PREFIX
    page = quote_ids[:PAGE]
    while page and len((data + ",".join(map(str, page))).encode()) > 64:
        page = page[:-1]
    remaining = len(quote_ids)
    return [[(f"More ({remaining})", data + ",".join(map(str, page)))]] if page else None


async def more_quotes(update: Update, context: NewsContext) -> None:
    """Button: show the quotes whose ids the button carries."""
    svc = context.services
    payload = button_payload(update, MORE_PREFIX)
    numbers = (row_number(part) for part in payload.split(",")[:PAGE])
    ids = [number for number in numbers if number is not None]
    quotes = svc.store.articles.quotes(ids)
    if not quotes:
        await answer_button(update, ["Those results are no longer available; please search again."])
        return
    await answer_button(update, [quote_block(q) for q in quotes])
