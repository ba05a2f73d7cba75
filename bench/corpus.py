"""Build a store of N articles (default 100,000) for the benchmarks, and report ingestion speed.

Usage:
    .venv/bin/python bench/corpus.py                       # bench/out/store-100000.db (cached)
    .venv/bin/python bench/corpus.py -n 3000 --out /tmp/s.db --parse once  # store alone
    .venv/bin/python bench/corpus.py --force               # rebuild even when cached

Sources: the PolNeAR texts in ../shared/polnear/train/texts (read in place, never copied) when
present, else seeds/. Each variant is a source article with people renamed (first and last names
drawn from a fixed pool of 20,000 identities, so people recur across stories as in real news),
one or two words of every quote swapped for other corpus words and numbers changed (no quote is
an identical copy), a quote-less paragraph or two dropped and paragraphs from another story
appended (recombination), and a new date.

``--parse every`` (the default) sends every variant's text through the real
``bot.ingest.ingest_batch`` (``PARSE_AHEAD`` texts parsed, then saved together by
``ArticleStore.save_all`` with their index writes), inside ``ArticleStore.batch`` as
``newsbot ingest`` saves a folder (a savepoint per run, a commit every 50): that is the
ingestion figure. ``--parse once`` parses each source once and derives each variant's parse
by applying the same edits to it, then saves the runs through the same
``ArticleStore.save_all``: it measures the store alone, without the parser.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.ingest import PARSE_AHEAD, content_hash, ingest_batch  # noqa: E402
from bot.parsing import CODE as PARSER_CODE  # noqa: E402
from bot.parsing import parse_article  # noqa: E402
from bot.parsing.model import ParsedArticle, Person  # noqa: E402
from bot.store import ArticleToSave, Store  # noqa: E402

OUT = REPO / "bench" / "out"
POLNEAR = REPO.parent / "shared" / "polnear" / "train" / "texts"
SEEDS = REPO / "seeds"
_WORD = re.compile(r"[A-Za-z][a-z]{3,}")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NAME_TOKEN = re.compile(r"^[A-Z][a-zA-Z'’-]+$")


def store_path(n: int) -> Path:
    return OUT / f"store-{n}.db"


def source_files() -> list[Path]:
    folder = POLNEAR if POLNEAR.is_dir() else SEEDS
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md"))


# -- edits that keep a parse valid ----------------------------------------------------------


class Edits:
    """Non-overlapping (start, end, replacement) edits on a text, with offset mapping."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[tuple[int, int, str]] = []

    def add(self, start: int, end: int, replacement: str) -> None:
        self.items.append((start, end, replacement))

    def apply(self) -> str:
        kept: list[tuple[int, int, str]] = []
        last_end = -1
        for start, end, rep in sorted(self.items):
            if start >= last_end:
                kept.append((start, end, rep))
                last_end = end
        self.items = kept
        self._ends = [end for _, end, _ in kept]
        self._shift = []
        total = 0
        parts, pos = [], 0
        for start, end, rep in kept:
            parts.append(self.text[pos:start])
            parts.append(rep)
            pos = end
            total += len(rep) - (end - start)
            self._shift.append(total)
        parts.append(self.text[pos:])
        return "".join(parts)

    def map(self, pos: int) -> int:
        """New offset of ``pos`` (an edit ending at or before ``pos`` has shifted it)."""
        i = bisect.bisect_right(self._ends, pos)
        return pos + (self._shift[i - 1] if i else 0)


class Variator:
    def __init__(self, sources: list[tuple[str, ParsedArticle]], seed: int = 6) -> None:
        self.rng = random.Random(seed)
        self.sources = sources
        firsts, lasts, vocab = set(), set(), set()
        for _text, parsed in sources:
            for person in parsed.people:
                tokens = person.name.split()
                if len(tokens) >= 2 and all(_NAME_TOKEN.match(t) for t in tokens):
                    firsts.add(tokens[0])
                    lasts.add(tokens[-1])
            for quote in parsed.quotes:
                vocab.update(w for w in _WORD.findall(quote.text) if w.islower())
        self.firsts, self.lasts = sorted(firsts), sorted(lasts)
        self.vocab = sorted(vocab)
        rng = random.Random(seed + 1)
        self.identities = [(rng.choice(self.firsts), rng.choice(self.lasts)) for _ in range(20000)]

    def variant(self, n: int) -> tuple[str, ParsedArticle]:
        rng = self.rng
        text, parsed = self.sources[n % len(self.sources)]
        other_text, other = self.sources[rng.randrange(len(self.sources))]
        renames = self._renames(parsed, rng)
        edits = Edits(text)
        # Names, everywhere in the text (quotes and title included).
        if renames:
            pattern = re.compile(r"\b(" + "|".join(map(re.escape, renames)) + r")\b")
            for m in pattern.finditer(text):
                edits.add(m.start(), m.end(), renames[m.group()])
        # One or two words of every quote, and its numbers.
        for quote in parsed.quotes:
            if text[quote.start : quote.end] != quote.text:
                continue
            words = list(_WORD.finditer(text, quote.start, quote.end))
            words = [w for w in words if w.group().islower()]
            for w in rng.sample(words, min(len(words), rng.choice((1, 1, 2)))):
                edits.add(w.start(), w.end(), rng.choice(self.vocab))
            for m in _NUMBER.finditer(text, quote.start, quote.end):
                edits.add(m.start(), m.end(), str(rng.randint(2, 990)))
        # Drop up to two paragraphs without quotes.
        quoted = {q.paragraph for q in parsed.quotes}
        droppable = [p for p in parsed.paragraphs[1:] if p.index not in quoted]
        dropped = {p.index for p in rng.sample(droppable, min(len(droppable), rng.randint(0, 2)))}
        for p in parsed.paragraphs:
            if p.index in dropped:
                edits.add(p.start, min(p.end + 2, len(text)), "")
        new_text = edits.apply()
        paragraphs, index_map = [], {}
        for p in parsed.paragraphs:
            if p.index in dropped:
                continue
            start, end = edits.map(p.start), edits.map(p.end)
            index_map[p.index] = len(paragraphs)
            paragraphs.append(
                replace(p, index=len(paragraphs), start=start, end=end, text=new_text[start:end])
            )
        quotes = []
        for q in parsed.quotes:
            start, end = edits.map(q.start), edits.map(q.end)
            exact = text[q.start : q.end] == q.text
            quotes.append(
                replace(
                    q,
                    start=start,
                    end=end,
                    text=new_text[start:end] if exact else _rename(q.text, renames),
                    speaker=_rename(q.speaker, renames) if q.speaker else None,
                    paragraph=index_map.get(q.paragraph, 0),
                )
            )
        people = {
            _rename(p.name, renames): replace(p, name=_rename(p.name, renames))
            for p in parsed.people
        }
        # Recombination: the first paragraphs of another story, with their quotes, appended.
        take = [p for p in other.paragraphs[1:4]]
        if take and other is not parsed:
            offset = len(new_text) + 2 - take[0].start
            new_text = new_text + "\n\n" + other_text[take[0].start : take[-1].end]
            first = len(paragraphs)
            for p in take:
                paragraphs.append(
                    replace(p, index=len(paragraphs), start=p.start + offset, end=p.end + offset)
                )
            taken = {p.index: first + k for k, p in enumerate(take)}
            for q in other.quotes:
                if q.paragraph in taken:
                    quotes.append(
                        replace(
                            q,
                            start=q.start + offset,
                            end=q.end + offset,
                            paragraph=taken[q.paragraph],
                        )
                    )
                    if q.speaker and q.speaker not in people:
                        people[q.speaker] = Person(name=q.speaker, role=q.speaker_role)
        day = date(2016, 1, 1) + timedelta(days=rng.randrange(3650))
        topics = list(parsed.topics)
        if other.topics and rng.random() < 0.3:
            topics.append(other.topics[0])
        variant = replace(
            parsed,
            title=_rename(parsed.title, renames),
            date=day.isoformat(),
            paragraphs=paragraphs,
            quotes=quotes,
            people=list(people.values()),
            topics=topics,
        )
        return new_text, variant

    def _renames(self, parsed: ParsedArticle, rng: random.Random) -> dict[str, str]:
        renames: dict[str, str] = {}
        for person in parsed.people:
            tokens = person.name.split()
            if len(tokens) < 2 or rng.random() < 0.35:  # the famous keep their names
                continue
            if not all(_NAME_TOKEN.match(t) for t in tokens):
                continue
            first, last = self.identities[rng.randrange(len(self.identities))]
            renames.setdefault(tokens[0], first)
            renames.setdefault(tokens[-1], last)
        return renames


def _rename(text: str | None, renames: dict[str, str]) -> str:
    if not text or not renames:
        return text or ""
    return " ".join(renames.get(token, token) for token in text.split(" "))


# -- building ------------------------------------------------------------------------------


def load_sources() -> list[tuple[str, ParsedArticle]]:
    started = time.perf_counter()
    sources = []
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        sources.append((text, parse_article(text)))
    elapsed = time.perf_counter() - started
    print(
        f"parsed {len(sources)} source articles in {elapsed:.1f} s "
        f"({len(sources) / elapsed:.1f} articles/s through parse_article)",
        flush=True,
    )
    return sources


def build(n: int, path: Path, parse: str, seed: int = 6, commit_every: int = 50) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    sources = load_sources()
    variator = Variator(sources, seed)
    store = Store.open(path)
    saved_chars = 0
    vary_s = save_s = cpu_s = 0.0
    started = time.perf_counter()
    # As `newsbot ingest` saves a folder (PARSE_AHEAD parsed, then saved; a commit every
    # `commit_every`); commit_every=1 is one article at a time in a transaction of its own,
    # as the feed poller and uploads save.
    run = PARSE_AHEAD if commit_every > 1 else 1
    with store.articles.batch(max_articles=commit_every):
        for first in range(0, n, run):
            t0 = time.perf_counter()
            numbers = range(first, min(n, first + run))
            variants = [variator.variant(i) for i in numbers]
            t1, c1 = time.perf_counter(), time.process_time()
            if parse == "every":
                items = [
                    (f"v{i:06d}", text, None)
                    for i, (text, _) in zip(numbers, variants, strict=True)
                ]
                ingest_batch(store, items)
            else:  # the same saves as ingest_batch makes, of parses derived from the sources'
                store.articles.save_all(
                    [
                        ArticleToSave(parsed, f"v{i:06d}", content_hash(text), text)
                        for i, (text, parsed) in zip(numbers, variants, strict=True)
                    ]
                )
            t2 = time.perf_counter()
            cpu_s += time.process_time() - c1
            vary_s += t1 - t0
            save_s += t2 - t1
            saved_chars += sum(len(text) for text, _ in variants)
            if numbers[-1] // 5000 != (numbers[-1] + 1) // 5000:
                done = numbers[-1] + 1
                print(f"  {done} articles, {done / save_s:.0f} articles/s ingest", flush=True)
        t3, c3 = time.perf_counter(), time.process_time()
    save_s += time.perf_counter() - t3  # the last commit
    cpu_s += time.process_time() - c3
    total = time.perf_counter() - started
    store.db.execute("pragma wal_checkpoint(truncate)")
    counts = {
        table: store.db.execute(f"select count(*) from {table}").fetchone()[0]
        for table in ("articles", "quotes", "people", "topics")
    }
    store.close()
    stats = {
        "articles": n,
        "parse": parse,
        "ingest_articles_per_s": round(n / save_s, 1),
        "ingest_articles_per_cpu_s": round(n / cpu_s, 1),
        "ingest_seconds": round(save_s, 1),
        "vary_seconds": round(vary_s, 1),
        "total_seconds": round(total, 1),
        "mean_article_kb": round(saved_chars / n / 1024, 2),
        "db_mb": round(path.stat().st_size / 2**20),
        **counts,
    }
    path.with_suffix(".json").write_text(json.dumps(stats, indent=2))
    return stats


def ensure_store(n: int = 100_000) -> Path:
    """The cached store of ``n`` articles, built on first use."""
    path = store_path(n)
    if not path.with_suffix(".json").exists():
        build(n, path, "every")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="articles (default 100,000)")
    parser.add_argument("--parse", choices=("once", "every"), default="every")
    parser.add_argument("--out", type=Path, help="database file (default bench/out/store-N.db)")
    parser.add_argument("--force", action="store_true", help="rebuild a cached store")
    parser.add_argument(
        "--commit-every",
        type=int,
        default=50,
        help="articles per transaction (default 50, as `newsbot ingest`; 1: one at a time)",
    )
    args = parser.parse_args()
    path = args.out or store_path(args.n)
    meta = path.with_suffix(".json")
    if meta.exists() and not args.force:
        print(f"{path} is cached (use --force to rebuild): {meta.read_text()}")
        return
    stats = build(args.n, path, args.parse, commit_every=args.commit_every)
    what = "ingest_batch (parse + save)" if args.parse == "every" else "ArticleStore.save_all"
    print(
        f"{args.n} articles through {what}: {stats['ingest_articles_per_s']} articles/s "
        f"by the clock, {stats['ingest_articles_per_cpu_s']} per CPU second "
        f"(mean {stats['mean_article_kb']} KB); {stats['quotes']} quotes, {stats['people']} "
        f"people, {stats['topics']} topics; {stats['db_mb']} MB -> {path}; "
        f"parser: {PARSER_CODE}"
    )


if __name__ == "__main__":
    main()
