"""/search, /latest and /article: finding and reading articles."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.render import clip, esc
from bot.views import article_block, article_line
from handlers.common import (
    MAX_QUERY_CHARS,
    answer_button,
    argument_text,
    reply,
    row_number,
    services,
)

PAGE = 5
ARTICLE_PREFIX = "ar:"
LATEST_PREFIX = "lt:"


def article_buttons(articles: list[dict]) -> list[list[tuple[str, str]]]:
    return [[(clip(a["title"], 40), f"{ARTICLE_PREFIX}{a['id']}")] for a in articles]


def article_view(svc, article_id: int) -> list[str]:
    article = svc.store.articles.get(article_id)
    if article is None:
        return [f"There is no article {article_id}. See /latest for what I have."]
    topics = svc.store.articles.topics_of(article_id)
    quotes = svc.store.articles.quotes_of_article(article_id)
    sources = svc.store.feeds.sources_of(article_id)
    return [article_block(article, topics, quotes, sources=sources)]


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    words = argument_text(update)[:MAX_QUERY_CHARS]
    if not words:
        await reply(
            update, ["What should I look for? For example: <code>/search air defense</code>"]
        )
        return
    ids = svc.search.articles(words, limit=PAGE)
    articles = [a for a in (svc.store.articles.get(i) for i in ids) if a]
    if not articles:
        await reply(
            update, [f"No article mentions “{esc(clip(words, 80))}”. Try other words or /topics."]
        )
        return
    lines = [article_line(a, i + 1) for i, a in enumerate(articles)]
    await reply(
        update,
        [f"🔎 Articles for “{esc(clip(words, 80))}”", "\n\n".join(lines)],
        article_buttons(articles),
    )


def latest_page(svc, offset: int) -> tuple[list[str], list]:
    articles = svc.store.articles.latest(limit=PAGE, offset=offset)
    if not articles and offset:
        return ["No older articles. /latest shows the newest again."], []
    if not articles:
        return ["I have no articles yet."], []
    lines = [article_line(a, offset + i + 1) for i, a in enumerate(articles)]
    buttons = article_buttons(articles)
    if offset + PAGE < svc.store.articles.count():
        buttons.append([("Older", f"{LATEST_PREFIX}{offset + PAGE}")])
    return ["🗞 <b>Latest articles</b>", "\n\n".join(lines)], buttons


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    blocks, buttons = latest_page(services(context), 0)
    await reply(update, blocks, buttons)


async def latest_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    offset = row_number((update.callback_query.data or "")[len(LATEST_PREFIX) :])
    if offset is None:
        await answer_button(update, ["That button has expired."])
        return
    blocks, buttons = latest_page(services(context), offset)
    await answer_button(update, blocks, buttons)


async def article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    ref = argument_text(update)[:MAX_QUERY_CHARS]
    if not ref:
        await reply(
            update,
            ["Which article? Give its number, e.g. <code>/article 1</code>, or see /latest."],
        )
        return
    number = row_number(ref)
    found = svc.store.articles.get(number) if number is not None else None
    found = found or svc.store.articles.by_slug(ref)
    if found is None:
        ids = svc.search.articles(ref, limit=1)
        found = svc.store.articles.get(ids[0]) if ids else None
    if found is None:
        await reply(
            update, [f"I have no article “{esc(clip(ref, 60))}”. See /latest for what I have."]
        )
        return
    await reply(update, article_view(svc, found["id"]))


async def article_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    article_id = row_number((update.callback_query.data or "")[len(ARTICLE_PREFIX) :])
    if article_id is None:
        await answer_button(update, ["That button has expired."])
        return
    await answer_button(update, article_view(services(context), article_id))
