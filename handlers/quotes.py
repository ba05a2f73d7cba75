"""/quotes <person or organisation>: what someone said; without a name, who is quoted most."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.context import NewsContext
from bot.keyboards import Buttons
from bot.render import button_rows, clip, esc, page_range
from bot.search.names import NamedHit
from bot.services import Services
from bot.views import listable, quote_block, role_text
from handlers.common import (
    EXPIRED,
    MAX_QUERY_CHARS,
    answer_button,
    argument_text,
    button_payload,
    page_numbers,
    reply,
)

PAGE = 5
PERSON_PREFIX = "pq:"
SPEAKER_PREFIX = "oq:"


def person_page(svc: Services, person_id: int, offset: int) -> tuple[list[str], Buttons | None]:
    person = svc.store.articles.person(person_id)
    if person is None:
        return ["I no longer know that person; please search again."], None
    quotes = svc.store.articles.quotes_by_person(person_id, limit=PAGE, offset=offset)
    role = f", <i>{esc(role_text(person['role']))}</i>" if person.get("role") else ""
    total = person["n_quotes"]
    header = f"<b>{esc(person['name'])}</b>{role} — {total} quote{'s' if total != 1 else ''}"
    if offset:
        shown = page_range(offset, len(quotes), total, "quotes")
        header = f"<b>{esc(person['name'])}</b>{role} — {shown}"
    blocks = [header, *(quote_block(q) for q in quotes if listable(q))]
    if not quotes:
        blocks.append("No quotes recorded for this person yet.")
    buttons: Buttons | None = None
    if offset + PAGE < total:
        buttons = [
            [
                (
                    f"More from {clip(person['name'], 30)}",
                    f"{PERSON_PREFIX}{person_id}:{offset + PAGE}",
                )
            ]
        ]
    return blocks, buttons


async def quotes(update: Update, context: NewsContext) -> None:
    svc = context.services
    name = argument_text(update)[:MAX_QUERY_CHARS]
    if not name:
        people = svc.store.articles.most_quoted_people(limit=8)
        if not people:
            await reply(update, ["I have no quotes yet."])
            return
        lines = ["<b>Most quoted</b>"]
        choices = []
        for person in people:
            role = f", {esc(role_text(person['role']))}" if person.get("role") else ""
            lines.append(f"• {esc(person['name'])}{role} — {person['n_quotes']}")
            choices.append((clip(person["name"], 30), f"{PERSON_PREFIX}{person['id']}:0"))
        await reply(update, ["\n".join(lines)], button_rows(choices))
        return
    hits: list[NamedHit | SpeakerHit] = sorted(
        [*svc.search.people(name, limit=4), *speaker_hits(svc, name, limit=2)],
        key=lambda hit: -hit.score,
    )
    if not hits:
        await reply(update, *miss(svc, name))
        return
    blocks, buttons = page_of(svc, hits[0], 0)
    others = [h for h in hits[1:] if h.score >= hits[0].score - 10]
    if others:
        row = [(clip(h.name, 30), button_data(h, 0)) for h in others[:2]]
        buttons = [*(buttons or []), row]
    await reply(update, blocks, buttons)


@dataclass(frozen=True, slots=True)
class SpeakerHit:
    """A speaker without a person row (an organisation), found by name; ``id`` is its first
    quote, which the page's buttons carry."""

    id: int
    name: str
    score: float


def speaker_hits(
    svc: Services, name: str, limit: int, cutoff: float | None = None
) -> list[SpeakerHit]:
    return [SpeakerHit(h.id, h.name, h.score) for h in svc.search.speakers(name, limit, cutoff)]


def button_data(hit: Hit, offset: int) -> str:
    prefix = SPEAKER_PREFIX if isinstance(hit, SpeakerHit) else PERSON_PREFIX
    return f"{prefix}{hit.id}:{offset}"


def page_of(svc: Services, hit: Hit, offset: int) -> tuple[list[str], Buttons | None]:
    if isinstance(hit, SpeakerHit):
        return speaker_page(svc, hit.id, offset)
    return person_page(svc, hit.id, offset)


@dataclass(frozen=True, slots=True)
class SearchedPerson:
    """A person offered after a miss, with the role that may be why."""

    id: int
    name: str
    role: str | None = None


#: What a /quotes page can be opened for: a person (by id) or a speaker (by first quote).
Hit = NamedHit | SpeakerHit | SearchedPerson


def miss(svc: Services, name: str) -> tuple[list[str], Buttons | None]:
    """Nobody of that name: say so, and offer real names as buttons: people whose role names
    it first ('nasa' finds the NASA Administrator), then the closest spellings."""
    shown = esc(clip(name, 80))
    offered: dict[tuple[bool, int], SearchedPerson | SpeakerHit] = {}
    for person in svc.store.articles.people_with_role_words(name.split(), limit=3):
        offered[(False, person["id"])] = SearchedPerson(
            person["id"], person["name"], person["role"]
        )
    for hit in svc.search.people(name, limit=3, cutoff=45):
        offered.setdefault((False, hit.id), SearchedPerson(hit.id, hit.name))
    for speaker in speaker_hits(svc, name, 2, 45):
        offered.setdefault((True, speaker.id), speaker)
    near = list(offered.values())[:4]
    if not near:
        return [
            f"I don't know anyone called “{shown}”. Send /quotes to see who is quoted most."
        ], None
    names = ", ".join(
        esc(h.name) + (f" ({esc(role_text(role))})" if (role := getattr(h, "role", None)) else "")
        for h in near
    )
    buttons = button_rows([(clip(h.name, 30), button_data(h, 0)) for h in near])
    return [f"I don't know anyone called “{shown}”. Did you mean: {names}?"], buttons


def speaker_page(svc: Services, quote_id: int, offset: int) -> tuple[list[str], Buttons | None]:
    """What a speaker without a person row said, a page at a time (buttons carry the id of
    its first quote, since names can be longer than a button's data)."""
    first = svc.store.articles.quotes([quote_id])
    speaker = first[0].get("speaker") if first and first[0].get("person_id") is None else None
    if not speaker:
        return ["I no longer know that speaker; please search again."], None
    total = svc.store.articles.speaker_quote_count(speaker)
    quotes = svc.store.articles.quotes_by_speaker(speaker, limit=PAGE, offset=offset)
    header = f"<b>{esc(speaker)}</b> — {total} quote{'s' if total != 1 else ''}"
    if offset:
        header = f"<b>{esc(speaker)}</b> — {page_range(offset, len(quotes), total, 'quotes')}"
    buttons: Buttons | None = None
    if offset + PAGE < total:
        data = f"{SPEAKER_PREFIX}{quote_id}:{offset + PAGE}"
        buttons = [[(f"More from {clip(speaker, 30)}", data)]]
    return [header, *(quote_block(q) for q in quotes if listable(q))], buttons


async def speaker_button(update: Update, context: NewsContext) -> None:
    page = page_numbers(button_payload(update, SPEAKER_PREFIX))
    if page is None:
        await answer_button(update, [EXPIRED])
        return
    blocks, buttons = speaker_page(context.services, *page)
    await answer_button(update, blocks, buttons)


async def person_button(update: Update, context: NewsContext) -> None:
    page = page_numbers(button_payload(update, PERSON_PREFIX))
    if page is None:
        await answer_button(update, [EXPIRED])
        return
    blocks, buttons = person_page(context.services, *page)
    await answer_button(update, blocks, buttons)
