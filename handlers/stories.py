"""/story N: one story with all its articles (source, date, link) and its quotes by speaker."""

from __future__ import annotations

from collections import defaultdict

from telegram import Update

from bot.briefings import STORY_BUTTON, counts_line
from bot.context import NewsContext
from bot.render import clip, esc
from bot.services import Services
from bot.store.rows import Story
from bot.story_text import best_title
from bot.views import href, is_web_url, tidy_quote
from handlers.articles import ARTICLE_PREFIX, article_numbers
from handlers.common import EXPIRED, MAX_QUERY_CHARS, answer_button, argument_text, reply

#: Articles and speakers shown in one story view (the rest are counted).
MAX_ARTICLES = 12
MAX_SPEAKERS = 5
QUOTES_PER_SPEAKER = 2


PAGE_BUTTONS = 5


def story_buttons(story: Story) -> list[list[tuple[str, str]]]:
    """One button per article (its summary, as in /latest), the first few."""
    return [
        [(clip(f"#{a['id']} {a['title']}", 48), f"{ARTICLE_PREFIX}{a['id']}")]
        for a in story["articles"][:PAGE_BUTTONS]
    ]


def story_view(svc: Services, story_id: int) -> tuple[list[str], list[list[tuple[str, str]]]]:
    story = svc.store.stories.get(story_id)
    if story is None:
        return [f"There is no story {story_id}. /latest lists the newest stories."], []
    articles = story["articles"]
    title = best_title([a["title"] for a in articles]) or story["title"]
    head = [f"<b>{esc(clip(title, 250))}</b>"]
    head.append(f"📰 {counts_line(len(story['sources']) or 1, story['quotes'])}")
    if story["topics"]:
        head.append("🏷 " + ", ".join(esc(t) for t in story["topics"][:6]))
    lines = [f"<b>Articles ({len(articles)})</b>"]
    for article in articles[:MAX_ARTICLES]:
        meta = " · ".join(esc(v) for v in (article.get("source"), article.get("date")) if v)
        name = esc(clip(article["title"], 120))
        url = article.get("url")
        linked = f'<a href="{href(url or "")}">{name}</a>' if is_web_url(url) else name
        opens = f" · /article {article['id']}"
        lines.append(f"• {linked}" + (f" — {meta}" if meta else "") + opens)
    if len(articles) > MAX_ARTICLES:
        lines.append(f"… and {len(articles) - MAX_ARTICLES} more")
    blocks = ["\n".join(head), "\n".join(lines)]
    said = quotes_by_speaker(svc, [a["id"] for a in articles])
    if said:
        blocks.append(said)
    return blocks, story_buttons(story)


def quotes_by_speaker(svc: Services, article_ids: list[int]) -> str:
    """The story's direct quotes grouped under each named speaker, most quoted first."""
    if not article_ids:
        return ""
    marks = ",".join("?" * len(article_ids))
    rows = svc.store.db.execute(
        "select speaker, text from quotes where article_id in "
        f"({marks}) and kind = 'direct' and speaker is not null order by article_id, start",
        article_ids,
    ).fetchall()
    by_speaker: dict[str, list[str]] = defaultdict(list)
    for speaker, text in rows:
        if text not in by_speaker[speaker]:
            by_speaker[speaker].append(text)
    if not by_speaker:
        return ""
    ranked = sorted(by_speaker.items(), key=lambda item: (-len(item[1]), item[0]))
    lines = ["<b>Who said what</b>"]
    for speaker, texts in ranked[:MAX_SPEAKERS]:
        lines.append(f"<i>{esc(clip(speaker, 80))}</i>")
        for text in texts[:QUOTES_PER_SPEAKER]:
            lines.append(f"💬 “{esc(clip(tidy_quote(text), 240))}”")
    return "\n".join(lines)


async def story(update: Update, context: NewsContext) -> None:
    """/story N opens story N (the number under a briefing's story or in /latest)."""
    svc = context.services
    ref = argument_text(update)[:MAX_QUERY_CHARS]
    numbers = article_numbers(ref) if ref else []
    if len(numbers) != 1 or numbers[0] is None:
        await reply(
            update,
            ["Which story? Give its number, e.g. <code>/story 1</code>; /latest lists them."],
        )
        return
    blocks, buttons = story_view(svc, numbers[0])
    await reply(update, blocks, buttons)


async def story_button(update: Update, context: NewsContext) -> None:
    data = update.callback_query.data if update.callback_query else None
    numbers = article_numbers((data or "")[len(STORY_BUTTON) :])
    if len(numbers) != 1 or numbers[0] is None:
        await answer_button(update, [EXPIRED])
        return
    blocks, buttons = story_view(context.services, numbers[0])
    await answer_button(update, blocks, buttons)
