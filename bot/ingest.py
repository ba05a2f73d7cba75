"""Turning article files into stored, parsed articles.

Re-ingesting an unchanged file is a no-op (content hash); an edited file replaces its article;
a bad file is reported by name and skipped, never half-written. A saved web page (``.html``)
goes through the same extraction as a fetched one (``bot.feeds.pages``).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.charsets import guess_decode
from bot.parsing import parse_article
from bot.parsing.model import ParsedArticle
from bot.store import ArticleToSave, SaveResult, Store

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
MAX_ARTICLE_BYTES = 5 * 1024 * 1024


class IngestError(ValueError):
    """This input cannot become an article; the message says why in plain words."""


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def record(self, name: str, result: SaveResult) -> None:
        getattr(self, result.status).append(name)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed"
        )


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else the encoding guessed from the bytes; binary is refused."""
    if not data.strip():
        raise IngestError("the file is empty")
    if b"\x00" in data[:8192]:
        raise IngestError("this looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = guess_decode(data)
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(sample) * 0.01:
        raise IngestError("this looks like a binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_article_file(path: Path) -> str:
    """An article file's text; a saved web page's article text, as a fetched page's would be."""
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise IngestError(
            f"the file is too large ({size // 1024} KB, limit {MAX_ARTICLE_BYTES // 1024} KB)"
        )
    if path.suffix.lower() in HTML_SUFFIXES:
        from bot.feeds.pages import extract_html_bytes  # the page reader needs IngestError

        return extract_html_bytes(path.read_bytes()).as_article_text()
    return decode_text(path.read_bytes())


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ingest_text(
    store: Store,
    text: str,
    *,
    slug: str,
    path: str | None = None,
    parse: Callable[[str], ParsedArticle] | None = None,
) -> SaveResult:
    """Parse ``text`` and store it under ``slug`` (atomically: see ``ArticleStore.save``).

    ``parse`` may hand over an article parsed beforehand (off the event loop, by the bot)."""
    result = ingest_batch(store, [(slug, text, path)], parse=parse)[0]
    if isinstance(result, IngestError):
        raise result
    return result


#: Articles parsed before any of them is saved (see ``ingest_batch``), in one savepoint: FTS5
#: writes its pending terms to disk at each savepoint, so each run is a new segment of both
#: full-text indexes, merged again later. Longer runs mean fewer segments to merge; this
#: size still lets a folder's writes commit about twice a second.
PARSE_AHEAD = 128


async def parse_ahead(text: str) -> tuple[str, ParsedArticle]:
    """``text`` and its parse, made in a worker thread (parsing is pure CPU, no store), for
    the ``parse`` of ``ingest_text`` from the event loop (see ``reuse``)."""
    return text, await asyncio.to_thread(parse_article, text)


def reuse(parsed: tuple[str, ParsedArticle] | None) -> Callable[[str], ParsedArticle] | None:
    """A ``parse`` that hands over ``parsed``'s article for its very text (else parses)."""
    if parsed is None:
        return None
    made_for, article = parsed
    return lambda text: article if text == made_for else parse_article(text)


def ingest_batch(
    store: Store,
    items: Sequence[tuple[str, str, str | None]],
    *,
    parse: Callable[[str], ParsedArticle] | None = None,
) -> list[SaveResult | IngestError]:
    """Parse every ``(slug, text, path)`` item, then save them all, in order.

    Parsing a run of articles and then saving the run, rather than alternating, keeps each
    step's code and data warm in the CPU caches (``bench/corpus.py`` measures it); the run is
    saved in one savepoint (``ArticleStore.save_all``).
    An article already stored with the same text is not parsed again.
    Each item's result is in its place: the ``SaveResult``, or the ``IngestError`` saying
    why that text cannot be an article.
    """
    results: list[SaveResult | IngestError | None] = []
    parsed: list[tuple[int, ParsedArticle, str]] = []
    for slug, text, _path in items:
        digest = content_hash(text)
        if not text.strip():
            results.append(IngestError("there is no text in it"))
        elif (known := store.articles.id_if_unchanged(slug, digest)) is not None:
            results.append(SaveResult(known, "unchanged"))
        else:
            try:
                article = checked((parse or parse_article)(text), slug)
            except IngestError as error:
                results.append(error)
                continue
            parsed.append((len(results), article, digest))
            results.append(None)
    to_save = []
    for index, article, digest in parsed:
        slug, text, path = items[index]
        to_save.append(ArticleToSave(article, slug, digest, text, path))
    for (index, _, _), saved in zip(parsed, store.articles.save_all(to_save), strict=True):
        results[index] = saved
    return [result for result in results if result is not None]


#: Days after today (UTC) an article's date may lie: a date in any zone's today, not later.
FUTURE_DAYS = 1


def checked(parsed: ParsedArticle, slug: str, today: date | None = None) -> ParsedArticle:
    """The parsed article with its front matter checked: no text after the front matter is
    refused; a date that is not a calendar date (``9999-99-99``) or lies in the future,
    which would pin the article to the top of /latest, is dropped with a log line (the
    article is then dated by when it was stored)."""
    if not parsed.paragraphs:
        raise IngestError("there is no article text, only front matter (title, date...)")
    if parsed.date is None:
        return parsed
    today = today or datetime.now(UTC).date()
    try:
        day = date.fromisoformat(parsed.date.strip()[:10])
    except ValueError:
        log.warning("article %s: date %r is not a date (YYYY-MM-DD); ignored", slug, parsed.date)
        return replace(parsed, date=None)
    if day > today + timedelta(days=FUTURE_DAYS):
        log.warning("article %s: date %s is in the future; ignored", slug, day.isoformat())
        return replace(parsed, date=None)
    return replace(parsed, date=day.isoformat())


EMPTY_FOLDER = "no .txt, .md or .html files in this folder"


def iter_article_files(
    paths: Iterable[Path], on_empty_folder: Callable[[Path], None] = lambda _folder: None
) -> Iterator[Path]:
    """Files as given, and the article files in folders; an empty folder goes to the callback."""
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
            )
            if not found:
                on_empty_folder(path)
            yield from found
        else:
            yield path


#: Told after each file: its name and why it was skipped (None when it was stored or unchanged).
OnFile = Callable[[str, str | None], None]


def ingest_paths(
    store: Store, paths: Iterable[Path], on_file: OnFile | None = None
) -> IngestReport:
    """Ingest files and folders; each failure is reported with the file's name and skipped.

    Files are read and parsed ``PARSE_AHEAD`` at a time, then saved (``ingest_batch``), and
    the saves are batched (``ArticleStore.batch``): a folder of articles is committed a few
    dozen at a time, each article still whole or absent. A failure goes to ``on_file`` when
    one is given (the command line shows it once, beside its progress bar), else to the log.
    """
    report = IngestReport()
    tell = on_file or log_skip
    with store.articles.batch():
        files = iter_article_files(
            paths, lambda folder: _skip(report, tell, str(folder), EMPTY_FOLDER)
        )
        while chunk := list(itertools.islice(files, PARSE_AHEAD)):
            readable: list[tuple[str, str, str]] = []
            for path in chunk:
                text = _read_file(path, report, tell)
                if text is not None:
                    readable.append((path.stem, text, str(path)))
            for (_slug, _text, name), result in zip(
                readable, ingest_batch(store, readable), strict=True
            ):
                if isinstance(result, IngestError):
                    _skip(report, tell, name, str(result))
                else:
                    report.record(name, result)
                    tell(name, None)
    return report


def _read_file(path: Path, report: IngestReport, tell: OnFile) -> str | None:
    """The text of an article file, or None once the reason it cannot be read is reported."""
    name = str(path)
    try:
        if not path.is_file():
            raise IngestError("no such file")
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            kind = path.suffix or "(none)"
            raise IngestError(f"unsupported file type {kind!r}; use .txt, .md or .html")
        return read_article_file(path)
    except (IngestError, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        _skip(report, tell, name, reason)
        return None


def _skip(report: IngestReport, tell: OnFile, name: str, reason: str) -> None:
    report.failed.append((name, reason))
    tell(name, reason)


def log_skip(name: str, reason: str | None) -> None:
    """The ``on_file`` of a caller that shows nothing itself: each failure as a log warning."""
    if reason is not None:
        log.warning("skipped %s: %s", name, reason)
