"""Inline mode: ``@bot <words>`` in any chat offers the quotes that match, as quote cards.

The search is /who said's (typos allowed). Each result shows the quote, the speaker and role,
the article and its date; the card it sends has a button that opens the article in the bot
(a ``/start ar<id>`` deep link, see :func:`handlers.start.start`). An empty query offers the
people quoted most on the newest day; a miss answers with no results and a button that opens
the bot. Answers are the same for everyone, so Telegram may share them between users
(``is_personal`` false) for a minute, after which newly ingested quotes show up.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import InlineQueryHandler

from bot.briefings import notable_quote
from bot.context import NewsApplication, NewsContext
from bot.render import clip
from bot.services import Services
from bot.store.rows import QuoteWithSlug
from bot.views import Attributed, quote_block, role_text, tidy_quote
from handlers.common import MAX_QUERY_CHARS
from handlers.who_said import _LEADING_SAID

#: Results offered for one query (Telegram takes up to 50; a phone shows about five).
MAX_RESULTS = 10
#: Seconds Telegram may serve an answer from its cache: short, since ingests add quotes.
CACHE_SECONDS = 60
#: The deep-link payload of a card's button: ``ar<article id>`` opens the article.
ARTICLE_PAYLOAD = "ar"
#: The payload of the button offered when nothing matched.
MISS_PAYLOAD = "inline"
MISS_BUTTON = "No quote found — search in the bot"


def deep_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def inline_query_text(raw: str) -> str:
    """What to search for: the words after an optional 'who said', at most 200 characters."""
    text = " ".join(raw.split())[:MAX_QUERY_CHARS]
    return _LEADING_SAID.sub("", text).strip().strip("?!.").strip().strip("\"'“”«»„")


def who_line(quote: Attributed) -> str:
    name = quote.get("speaker") or "Unnamed speaker"
    role = role_text(quote.get("speaker_role"))
    return f"{name}, {role}" if role else name


def quote_result(
    quote: QuoteWithSlug, bot_username: str, result_id: str, title: str | None = None
) -> InlineQueryResultArticle:
    """One result: the quote as its title, who said it and where as its description."""
    said = clip(tidy_quote(quote["text"]), 120)
    where = " · ".join(
        part for part in (clip(quote.get("title") or "", 70), quote.get("date") or "") if part
    )
    button = InlineKeyboardButton(
        "📰 Read the article",
        url=deep_link(bot_username, f"{ARTICLE_PAYLOAD}{quote['article_id']}"),
    )
    return InlineQueryResultArticle(
        id=result_id,
        title=title or f"“{said}”",
        description=clip(f"{who_line(quote)} · {where}" if where else who_line(quote), 200),
        input_message_content=InputTextMessageContent(
            quote_block(quote),
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


def with_roles(svc: Services, quotes: list[QuoteWithSlug]) -> list[QuoteWithSlug]:
    """Quotes whose sentence named no role get their speaker's known role (one query)."""
    missing = {q["person_id"] for q in quotes if q.get("person_id") and not q.get("speaker_role")}
    if not missing:
        return quotes
    marks = ",".join("?" * len(missing))
    roles = dict(
        svc.store.db.execute(
            f"select id, role from people where id in ({marks}) and role is not null",
            sorted(missing),
        ).fetchall()
    )
    return [
        {**q, "speaker_role": roles.get(q.get("person_id"))} if not q.get("speaker_role") else q
        for q in quotes
    ]


def search_results(svc: Services, query: str, bot_username: str) -> list[InlineQueryResultArticle]:
    """The best matching quotes, best first."""
    hits = svc.search.who_said(query, limit=MAX_RESULTS)
    quotes = with_roles(svc, svc.store.articles.quotes([hit.quote_id for hit in hits]))
    return [quote_result(quote, bot_username, f"q{quote['id']}") for quote in quotes]


def day_results(svc: Services, bot_username: str) -> list[InlineQueryResultArticle]:
    """The people quoted most on the newest day, each with their most notable quote then."""
    results: list[InlineQueryResultArticle] = []
    for person in svc.store.articles.most_quoted_of_the_day(limit=MAX_RESULTS):
        best = notable_quote(svc.store.articles.quotes(person["quote_ids"][:50]))
        if best is not None and not best.get("speaker_role"):
            best = {**best, "speaker_role": person.get("role")}
        if best is None:
            continue
        count = person["n_quotes"]
        title = f"{person['name']} — {count} quote{'s' if count != 1 else ''} on {person['day']}"
        results.append(quote_result(best, bot_username, f"p{person['id']}", title=clip(title, 120)))
    return results


def answer_for(
    svc: Services, raw_query: str, bot_username: str
) -> tuple[list[InlineQueryResultArticle], InlineQueryResultsButton | None]:
    """The results for what was typed, and the switch-to-bot button when there are none."""
    query = inline_query_text(raw_query)
    results = search_results(svc, query, bot_username) if query else day_results(svc, bot_username)
    if results:
        return results, None
    return [], InlineQueryResultsButton(MISS_BUTTON, start_parameter=MISS_PAYLOAD)


async def inline_query(update: Update, context: NewsContext) -> None:
    query = update.inline_query
    if query is None:
        return
    results, button = answer_for(context.services, query.query, context.bot.username)
    await query.answer(
        results, cache_time=CACHE_SECONDS, is_personal=False, button=button, auto_pagination=False
    )


def register(application: NewsApplication) -> None:
    application.add_handler(InlineQueryHandler(inline_query))
