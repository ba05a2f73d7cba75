"""Articles sent to the bot: uploaded .txt/.md/.html files, forwarded or pasted text, links.

Only admins can add articles; anyone else gets a polite refusal and nothing is downloaded or
stored. The reply says what the bot understood (title, quotes, speakers, topics), so an admin
sees at once whether the article was read well.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from pathlib import PurePath

from telegram import Message, MessageOriginChannel, MessageOriginChat, MessageOriginUser, Update
from telegram.error import TelegramError
from telegram.ext import MessageHandler, filters

from bot.context import NewsApplication, NewsContext
from bot.feeds.fetch import FetchError, FetchPolicy
from bot.feeds.intake import ingest_url
from bot.feeds.pages import extract_html_bytes
from bot.ingest import IngestError, decode_text, ingest_text
from bot.parsing import parse_article
from bot.parsing.model import ParsedArticle
from bot.render import clip, esc
from bot.services import Services
from handlers.common import reply, require_admin

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
#: A pasted (not forwarded) message this long is an article, not a question.
MIN_PASTED_CHARS = 400
ADMIN_ONLY = "Thanks! Only the bot's admins can add articles, so I haven't stored this one."
STATUS = {
    "added": "📥 Added",
    "updated": "🔄 Updated",
    "unchanged": "👌 I already have this article",
    "merged": "🔗 Same story as an article I have; I added this source to it",
}

#: Messages that carry an article: forwarded text, long pasted text, or a lone link. Only in a
#: private chat: in a group they are conversation, not articles (even from an admin).
PRIVATE = filters.ChatType.PRIVATE
DOCUMENT = PRIVATE & filters.Document.ALL
FORWARDED_TEXT = PRIVATE & filters.FORWARDED & filters.TEXT & ~filters.COMMAND
LONG_TEXT = (
    PRIVATE & filters.TEXT & ~filters.COMMAND & filters.Regex(rf"(?s)^.{{{MIN_PASTED_CHARS},}}$")
)
LINK = PRIVATE & filters.TEXT & ~filters.COMMAND & filters.Regex(r"^\s*https?://\S+\s*$")


def understood(svc: Services, article_id: int, status: str) -> list[str]:
    """What the bot read: title, date and source, quotes, speakers and topics."""
    article = svc.store.articles.get(article_id)
    if article is None:
        return ["The article was not stored."]
    quotes = [
        q for q in svc.store.articles.quotes_of_article(article_id) if q["kind"] != "indirect"
    ]
    speakers = list(dict.fromkeys(q["speaker"] for q in quotes if q["speaker"]))
    topics = svc.store.articles.topics_of(article_id)
    meta = " · ".join(esc(v) for v in (article.get("date"), article.get("source")) if v)
    lines = [f"{STATUS.get(status, status)}: <b>{esc(clip(article['title'], 200))}</b>"]
    if meta:
        lines.append(meta)
    lines.append(f"💬 {len(quotes)} quote{'s' if len(quotes) != 1 else ''}")
    names = ", ".join(esc(s) for s in speakers[:8]) + (" …" if len(speakers) > 8 else "")
    lines.append(f"🗣 Speakers: {names or '<i>none found</i>'}")
    lines.append(f"🏷 Topics: {', '.join(esc(t) for t in topics[:8]) or '<i>none found</i>'}")
    lines.append(f"Read it with /article {article_id}")
    return ["\n".join(lines)]


def safe_slug(name: str) -> str:
    stem = re.sub(r"[^\w-]+", "-", PurePath(name).stem).strip("-")[:80]
    return stem or "upload"


def text_slug(text: str) -> str:
    return "msg-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _kb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def file_to_article(name: str, data: bytes) -> str:
    """An uploaded file's article text (HTML goes through the same extraction as web pages)."""
    suffix = PurePath(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return extract_html_bytes(data).as_article_text()
    return decode_text(data)


#: Longest article text taken from one upload (characters, about 250 book pages): longer
#: is refused before parsing.
MAX_ARTICLE_CHARS = 500_000


def read_upload(name: str, data: bytes) -> tuple[str, ParsedArticle]:
    """The upload's article text and its parse (run in a worker thread)."""
    text = file_to_article(name, data)
    if len(text) > MAX_ARTICLE_CHARS:
        raise IngestError(
            f"its text is too long ({len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,})"
        )
    return text, parse_article(text)


async def _stored(update: Update, context: NewsContext, article_id: int, status: str) -> None:
    svc = context.services
    if status != "unchanged":
        svc.search.refresh()
    await reply(update, understood(svc, article_id, status))


async def upload_document(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    document = message.document if message else None
    if document is None or not await require_admin(update, context, ADMIN_ONLY):
        return
    name = document.file_name or "file"
    shown = esc(clip(name, 80))
    suffix = PurePath(name).suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        kind = esc(document.mime_type or suffix or "no extension")
        await reply(update, [f"I can read .txt, .md and .html files; {shown} is {kind}."])
        return
    svc = context.services
    limit = svc.settings.max_page_bytes
    if document.file_size and document.file_size > limit:
        await reply(
            update,
            [f"{shown} is too large ({_kb(document.file_size)}; the limit is {_kb(limit)})."],
        )
        return
    try:
        telegram_file = await context.bot.get_file(document.file_id)
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        log.warning("upload %s: download failed: %s", name, error)
        await reply(update, [f"I could not download {shown}: {esc(str(error))}. Please try again."])
        return
    try:
        if len(data) > limit:
            raise IngestError(f"it is too large ({_kb(len(data))}; the limit is {_kb(limit)})")
        # Extraction and parsing take long on big or odd files: in a worker thread, so every
        # other chat is still answered meanwhile. The store is written here, on the loop.
        text, article = await asyncio.to_thread(read_upload, name, data)
        result = ingest_text(
            svc.store, text, slug=safe_slug(name), path=None, parse=lambda _text: article
        )
    except IngestError as error:
        log.info("upload %s refused: %s", name, error)
        await reply(update, [f"I could not read {shown}: {esc(str(error))}."])
        return
    await _stored(update, context, result.article_id, result.status)


def origin_name(message: Message) -> str | None:
    """Who the forwarded text came from (channel, chat or person), as its source."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        return origin.chat.title
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    return getattr(origin, "sender_user_name", None)


async def ingest_message_text(update: Update, context: NewsContext) -> None:
    """Forwarded or pasted article text; the first line is its title, as in a file."""
    message = update.effective_message
    if message is None or not message.text or not await require_admin(update, context, ADMIN_ONLY):
        return
    text = message.text.strip()
    source = origin_name(message) if message.forward_origin else None
    if source and not re.match(r"(?i)^(title|date|source|url)\s*:", text):
        text = f"source: {' '.join(source.split())}\n\n{text}"
    try:
        result = ingest_text(context.services.store, text, slug=text_slug(text), path=None)
    except IngestError as error:
        await reply(update, [f"I could not read that text: {esc(str(error))}."])
        return
    await _stored(update, context, result.article_id, result.status)


async def ingest_link(update: Update, context: NewsContext) -> None:
    """A lone link from an admin: fetch the page and store its article."""
    message = update.effective_message
    if message is None or not message.text or not await require_admin(update, context, ADMIN_ONLY):
        return
    svc = context.services
    url = message.text.strip()
    try:
        stored = await ingest_url(svc.store, url, FetchPolicy.from_settings(svc.settings))
    except (FetchError, IngestError) as error:
        reason = str(error) if isinstance(error, FetchError) else f"{url}: {error}"
        log.info("link refused: %s", reason)
        await reply(update, [f"I could not read that page: {esc(clip(reason, 500))}."])
        return
    await _stored(update, context, stored.article_id, stored.status)


def register(application: NewsApplication) -> None:
    """Documents, forwarded text, lone links and long pasted text (before the catch-alls)."""
    application.add_handler(MessageHandler(DOCUMENT, upload_document))
    application.add_handler(MessageHandler(FORWARDED_TEXT, ingest_message_text))
    application.add_handler(MessageHandler(LINK, ingest_link))
    application.add_handler(MessageHandler(LONG_TEXT, ingest_message_text))
