"""Shared fixtures: a fresh SQLite file per test, settings pointing at it, hand-built articles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.application import build_application
from bot.config import Settings
from bot.parsing.model import Paragraph, ParsedArticle, Person, Quote
from bot.services import Services
from bot.store import Store, schema
from handlers import ALLOWED_UPDATES

pytest_plugins = ["tests.botapi.pytest_plugin"]

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@asynccontextmanager
async def polling_bot(
    settings: Settings, token: str
) -> AsyncIterator[tuple[Services, Application]]:
    """The real bot long-polling ``settings.api_base_url`` (no send pacing), stopped on leaving:
    what the end-to-end tests talk to through the local Bot API server."""
    services = Services.start(settings)
    application = build_application(services, token=token, rate_limit=False)
    await application.initialize()
    await application.start()
    await application.updater.start_polling(
        poll_interval=0.0, timeout=1, allowed_updates=ALLOWED_UPDATES
    )
    try:
        yield services, application
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        services.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsbot.db"


@pytest.fixture
def store(db_path: Path):
    opened = Store.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(db_path=db_path, seeds_dir=SEEDS)


def make_article(
    title: str = "Leaders talk peace",
    quotes: list[tuple[str, str | None]] | None = None,
    topics: list[str] | None = None,
    people: list[tuple[str, str | None]] | None = None,
    date: str | None = "2025-07-03",
) -> ParsedArticle:
    """A ParsedArticle built by hand, so store and search tests do not depend on the parser."""
    quotes = quotes or []
    body = "\n".join(f"“{text}” said {speaker}." for text, speaker in quotes) or "No quotes."
    paragraphs = [
        Paragraph(index=0, start=len(title) + 1, end=len(title) + 1 + len(body), text=body)
    ]
    offset = len(title) + 1
    parsed_quotes = []
    for text, speaker in quotes:
        start = body.index(text) + offset
        parsed_quotes.append(Quote(start=start, end=start + len(text), text=text, speaker=speaker))
    return ParsedArticle(
        title=title,
        body_start=len(title) + 1,
        date=date,
        paragraphs=paragraphs,
        quotes=parsed_quotes,
        people=[Person(name=n, role=r) for n, r in (people or [])],
        topics=topics or [],
        places=["Ukraine"],
        organisations=["Pentagon"],
    )


@contextmanager
def store_before(path: Path, migration: str) -> Iterator[Store]:
    """The store at ``path`` as it was before ``migration`` (a migration function's name):
    an old file to write old-style rows into, upgraded when it is opened again after."""
    upgrade = [m.__name__ for m in schema.MIGRATIONS].index(migration)
    every, schema.MIGRATIONS = schema.MIGRATIONS, schema.MIGRATIONS[:upgrade]
    try:
        store = Store.open(path)
        try:
            yield store
        finally:
            store.close()
    finally:
        schema.MIGRATIONS = every
