"""/quotes <person>: what someone said; without a name, who is quoted most."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.render import button_rows, clip, esc, page_range
from bot.views import quote_block
from handlers.common import (
    MAX_QUERY_CHARS,
    answer_button,
    argument_text,
    reply,
    row_number,
    services,
)

PAGE = 5
PERSON_PREFIX = "pq:"


def person_page(svc, person_id: int, offset: int) -> tuple[list[str], list | None]:
    person = svc.store.articles.person(person_id)
    if person is None:
        return ["I no longer know that person; please search again."], None
    quotes = svc.store.articles.quotes_by_person(person_id, limit=PAGE, offset=offset)
    role = f", <i>{esc(person['role'])}</i>" if person.get("role") else ""
    total = person["n_quotes"]
    header = f"<b>{esc(person['name'])}</b>{role} — {total} quote{'s' if total != 1 else ''}"
    if offset:
        shown = page_range(offset, len(quotes), total, "quotes")
        header = f"<b>{esc(person['name'])}</b>{role} — {shown}"
    blocks = [header, *(quote_block(q) for q in quotes)]
    if not quotes:
        blocks.append("No quotes recorded for this person yet.")
    buttons = None
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


async def quotes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    name = argument_text(update)[:MAX_QUERY_CHARS]
    if not name:
        people = svc.store.articles.most_quoted_people(limit=8)
        if not people:
            await reply(update, ["I have no quotes yet."])
            return
        lines = ["<b>Most quoted</b>"]
        buttons = []
        for person in people:
            role = f", {esc(person['role'])}" if person.get("role") else ""
            lines.append(f"• {esc(person['name'])}{role} — {person['n_quotes']}")
            buttons.append((clip(person["name"], 30), f"{PERSON_PREFIX}{person['id']}:0"))
        await reply(update, ["\n".join(lines)], button_rows(buttons))
        return
    hits = svc.search.people(name, limit=4)
    if not hits:
        near = svc.search.people(name, limit=3, cutoff=45)
        tip = ""
        if near:
            tip = "\nClosest names: " + ", ".join(esc(hit.name) for hit in near)
        await reply(update, [f"I don't know anyone called “{esc(clip(name, 80))}”.{tip}"])
        return
    blocks, buttons = person_page(svc, hits[0].id, 0)
    others = [h for h in hits[1:] if h.score >= hits[0].score - 10]
    if others:
        row = [(clip(h.name, 30), f"{PERSON_PREFIX}{h.id}:0") for h in others[:2]]
        buttons = [*(buttons or []), row]
    await reply(update, blocks, buttons)


async def person_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = (update.callback_query.data or "")[len(PERSON_PREFIX) :]
    person_text, _, offset_text = payload.partition(":")
    person_id, offset = row_number(person_text), row_number(offset_text)
    if person_id is None or offset is None:
        await answer_button(update, ["That button has expired."])
        return
    blocks, buttons = person_page(services(context), person_id, offset)
    await answer_button(update, blocks, buttons)
