"""Turning article files into stored, parsed articles.

Re-ingesting an unchanged file is a no-op (content hash); an edited file replaces its article;
a bad file is reported by name and skipped, never half-written.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.parsing import parse_article
from bot.store import SaveResult, Store

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md")
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
    """UTF-8 (with or without BOM), else the legacy Windows/Latin encodings; binary is refused."""
    if not data.strip():
        raise IngestError("the file is empty")
    if b"\x00" in data[:8192]:
        raise IngestError("this looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(sample) * 0.01:
        raise IngestError("this looks like a binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_article_file(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise IngestError(
            f"the file is too large ({size // 1024} KB, limit {MAX_ARTICLE_BYTES // 1024} KB)"
        )
    return decode_text(path.read_bytes())


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ingest_text(store: Store, text: str, *, slug: str, path: str | None = None) -> SaveResult:
    """Parse ``text`` and store it under ``slug`` (atomically: see ``ArticleStore.save``)."""
    if not text.strip():
        raise IngestError("there is no text in it")
    parsed = parse_article(text)
    return store.articles.save(
        parsed, slug=slug, content_hash=content_hash(text), text=text, path=path
    )


def iter_article_files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES)
        else:
            yield path


def ingest_paths(store: Store, paths: Iterable[Path]) -> IngestReport:
    """Ingest files and folders; each failure is logged with the file's name and skipped.

    The saves are batched (``ArticleStore.batch``): a folder of articles is committed a few
    dozen at a time, each article still whole or absent.
    """
    report = IngestReport()
    with store.articles.batch():
        for path in iter_article_files(paths):
            _ingest_file(store, path, report)
    return report


def _ingest_file(store: Store, path: Path, report: IngestReport) -> None:
    name = str(path)
    try:
        if not path.is_file():
            raise IngestError("no such file")
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            raise IngestError(f"unsupported file type {path.suffix or '(none)'!r}; use .txt or .md")
        text = read_article_file(path)
        report.record(name, ingest_text(store, text, slug=path.stem, path=name))
    except (IngestError, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        log.warning("skipped %s: %s", name, reason)
        report.failed.append((name, reason))
