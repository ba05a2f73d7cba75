"""/topics: the main topics as buttons; /topics <name>: the articles on the closest topic."""

from __future__ import annotations

from telegram import Update

from bot.context import NewsContext
from bot.keyboards import Buttons
from bot.render import button_rows, clip, esc, page_range
from bot.services import Services
from bot.views import article_line
from handlers.articles import article_buttons
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
TOPIC_PREFIX = "tp:"


def topic_page(svc: Services, topic_id: int, offset: int = 0) -> tuple[list[str], Buttons | None]:
    topic = svc.store.articles.topic(topic_id)
    if topic is None:
        return ["That topic is gone; try /topics again."], None
    total = svc.store.articles.count_on_topic(topic_id)
    articles = svc.store.articles.articles_on_topic(topic_id, limit=PAGE, offset=offset)
    header = f"🏷 <b>{esc(topic['name'])}</b> — {total} article{'s' if total != 1 else ''}"
    if offset:
        shown = page_range(offset, len(articles), total, "articles")
        header = f"🏷 <b>{esc(topic['name'])}</b> — {shown}"
    blocks = [header, "\n\n".join(article_line(a) for a in articles)]
    rows = article_buttons(articles)
    if offset + PAGE < total:
        rows.append([("More", f"{TOPIC_PREFIX}{topic_id}:{offset + PAGE}")])
    return blocks, rows


async def topics(update: Update, context: NewsContext) -> None:
    svc = context.services
    name = argument_text(update)[:MAX_QUERY_CHARS]
    if not name:
        counts = svc.store.articles.topic_counts(limit=24)
        if not counts:
            await reply(update, ["I have no topics yet: no articles have been read."])
            return
        choices = [
            (f"{clip(t['name'], 24)} ({t['n_articles']})", f"{TOPIC_PREFIX}{t['id']}:0")
            for t in counts
        ]
        await reply(
            update,
            [
                "<b>Main topics</b> — tap one to see its articles, "
                "or type <code>/topics ukraine</code>."
            ],
            button_rows(choices),
        )
        return
    hits = svc.search.topics(name, limit=3)
    if not hits:
        near = svc.search.topics(name, limit=3, cutoff=40)
        tip = ("\nClosest topics: " + ", ".join(esc(h.name) for h in near)) if near else ""
        await reply(
            update, [f"No topic matches “{esc(clip(name, 80))}”.{tip}\nSee all with /topics."]
        )
        return
    blocks, buttons = topic_page(svc, hits[0].id)
    await reply(update, blocks, buttons)


async def topic_button(update: Update, context: NewsContext) -> None:
    page = page_numbers(button_payload(update, TOPIC_PREFIX), first_page=True)
    if page is None:
        await answer_button(update, [EXPIRED])
        return
    blocks, buttons = topic_page(context.services, *page)
    await answer_button(update, blocks, buttons)
