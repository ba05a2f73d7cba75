"""/search, /latest and /article: finding and reading articles."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update

from bot.context import NewsContext
from bot.keyboards import Buttons
from bot.render import clip, esc, page_range
from bot.services import Services
from bot.store.rows import ArticleCard, LatestArticle
from bot.views import article_block, article_line
from handlers.common import (
    EXPIRED,
    MAX_QUERY_CHARS,
    answer_button,
    argument_text,
    button_payload,
    reply,
    row_number,
)

PAGE = 5
ARTICLE_PREFIX = "ar:"
LATEST_PREFIX = "lt:"


def open_hint(articles: Sequence[ArticleCard]) -> str:
    """Under a list of articles: the number shown is the one /article takes."""
    return f"<i>Tap one, or open it by its number: /article {articles[0]['id']}</i>"


def article_buttons(articles: Sequence[ArticleCard]) -> list[list[tuple[str, str]]]:
    return [[(clip(a["title"], 40), f"{ARTICLE_PREFIX}{a['id']}")] for a in articles]


def article_view(svc: Services, article_id: int) -> list[str]:
    article = svc.store.articles.get(article_id)
    if article is None:
        return [f"There is no article {article_id}. See /latest for what I have."]
    topics = svc.store.articles.topics_of(article_id)
    quotes = svc.store.articles.quotes_of_article(article_id)
    sources = svc.store.feeds.sources_of(article_id)
    return [article_block(article, topics, quotes, sources=sources)]


async def search(update: Update, context: NewsContext) -> None:
    svc = context.services
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
    lines = [article_line(a) for a in articles]
    await reply(
        update,
        [f"🔎 Articles for “{esc(clip(words, 80))}”", "\n\n".join(lines), open_hint(articles)],
        article_buttons(articles),
    )


def story_lines(svc: Services, articles: list[LatestArticle]) -> list[str]:
    """An article per line; one told by several articles says so, with the /story that lists
    them all (its other articles on the page are not repeated)."""
    sizes = svc.store.stories.sizes([a["story_id"] for a in articles if a["story_id"]])
    lines = []
    shown: set[int] = set()
    for article in articles:
        story_id = article["story_id"]
        if story_id in shown:
            continue
        line = article_line(article)
        n_articles, n_sources = sizes.get(story_id, (1, 1)) if story_id is not None else (1, 1)
        if story_id is not None and n_articles > 1:
            shown.add(story_id)
            line += f"\n📰 {n_sources} source{'' if n_sources == 1 else 's'} · /story {story_id}"
        lines.append(line)
    return lines


def latest_page(svc: Services, offset: int) -> tuple[list[str], Buttons]:
    articles = svc.store.articles.latest(limit=PAGE, offset=offset)
    if not articles and offset:
        return ["No older articles. /latest shows the newest again."], []
    if not articles:
        return ["I have no articles yet."], []
    lines = story_lines(svc, articles)
    buttons = article_buttons(articles)
    total = svc.store.articles.count()
    if offset + PAGE < total:
        buttons.append([("Older", f"{LATEST_PREFIX}{offset + PAGE}")])
    header = "🗞 <b>Latest articles</b>"
    if offset:
        header += f" — {page_range(offset, len(articles), total, 'articles')}"
    return [header, "\n\n".join(lines), open_hint(articles)], buttons


async def latest(update: Update, context: NewsContext) -> None:
    blocks, buttons = latest_page(context.services, 0)
    await reply(update, blocks, buttons)


async def latest_button(update: Update, context: NewsContext) -> None:
    offset = row_number(button_payload(update, LATEST_PREFIX))
    if offset is None:
        await answer_button(update, [EXPIRED])
        return
    blocks, buttons = latest_page(context.services, offset)
    await answer_button(update, blocks, buttons)


#: What may stand around an article number: '#12', '№12', '12.' all mean 12.
_NUMBER_MARKS = "#№."


def article_numbers(ref: str) -> list[int | None]:
    """Each word of ``ref`` as an article number (None where a word is not one)."""
    return [row_number(word.strip(_NUMBER_MARKS)) for word in ref.replace(",", " ").split()]


async def article(update: Update, context: NewsContext) -> None:
    """/article N opens the article numbered N in /latest, /search, /topics and briefings."""
    svc = context.services
    ref = argument_text(update)[:MAX_QUERY_CHARS]
    if not ref:
        await reply(
            update,
            ["Which article? Give its number, e.g. <code>/article 1</code>, or see /latest."],
        )
        return
    numbers = article_numbers(ref)
    ids = [n for n in numbers if n is not None]
    if len(numbers) > 1 and len(ids) == len(numbers):
        found = [a for a in (svc.store.articles.get(n) for n in dict.fromkeys(ids)) if a]
        if found:
            await reply(
                update,
                ["One article at a time: which one?"],
                article_buttons(found[:PAGE]),
            )
            return
    if len(numbers) == 1 and numbers[0] is not None:
        if svc.store.articles.get(numbers[0]) is not None:
            await reply(update, article_view(svc, numbers[0]))
            return
        await reply(
            update, [f"I have no article {numbers[0]}. See /latest for the numbers I have."]
        )
        return
    by_slug = svc.store.articles.by_slug(ref)
    if by_slug is not None:
        await reply(update, article_view(svc, by_slug["id"]))
        return
    await reply(
        update,
        [
            f"I have no article “{esc(clip(ref, 60))}”: /article takes the number shown in "
            "/latest, /search and /topics, e.g. <code>/article 2</code>. To look for words, "
            f"try <code>/search {esc(clip(ref, 40))}</code>."
        ],
    )


async def article_button(update: Update, context: NewsContext) -> None:
    article_id = row_number(button_payload(update, ARTICLE_PREFIX))
    if article_id is None:
        await answer_button(update, [EXPIRED])
        return
    await answer_button(update, article_view(context.services, article_id))
