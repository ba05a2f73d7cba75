"""Search latency over the benchmark store, and recall against an exhaustive rapidfuzz scan.

Usage:
    .venv/bin/python bench/bench_search.py                 # 100,000-article store, 3 runs
    .venv/bin/python bench/bench_search.py -n 3000 --runs 5 --recall 200

Queries are drawn from the store itself (seeded): 100 exact phrases of 4-8 words from direct
quotes, 100 of those with one or two typos, 100 partial phrases (a word dropped and the last word
cut short), 100 misses (words that never occur together); /quotes with person names (half with a
typo), /topics with topic names (half with a typo), /search with two or three title words. Each
command is timed as its handler does the work (search, then the rows the reply shows), one
query at a time on one thread; ``/who said`` is also timed as the bare ``SearchIndex.who_said``.
Each run prints p50/p95/p99 in ms (wall) and the mean CPU ms of a command; the last block is the
median over runs. The index's recent answers are forgotten before each query, and what it keeps
per word (typo corrections, name words) before each run of a command (the runs repeat the same
queries), so every figure is the work of a query not seen before.

Recall: for a sample of the non-miss queries, the fast path's best quote is compared with the
best of an exhaustive scan (``rank_quotes`` over every quote in the store, the same scoring):
"same score" counts a tie between different quotes as agreement, "same quote" does not.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import ensure_store

from bot.search import SearchIndex, fold, rank_quotes, squash
from bot.store import Store

MISS_WORDS = [
    "zebra",
    "quantum",
    "pineapple",
    "accordion",
    "glacier",
    "saxophone",
    "marmalade",
    "origami",
    "tangerine",
    "hedgehog",
    "trampoline",
    "volcano",
    "kaleidoscope",
    "porcupine",
    "lemonade",
    "harpsichord",
]


def typo(rng: random.Random, phrase: str, count: int = 1) -> str:
    chars = list(phrase)
    for _ in range(count):
        spots = [
            i for i in range(1, len(chars) - 1) if chars[i].isalpha() and chars[i + 1].isalpha()
        ]
        if not spots:
            break
        i = rng.choice(spots)
        kind = rng.randrange(3)
        if kind == 0:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif kind == 1:
            del chars[i]
        else:
            chars[i] = rng.choice("aeioustnr")
    return "".join(chars)


def sample_rows(store: Store, sql: str, count: int, rng: random.Random) -> list[tuple]:
    """``count`` random rows of a table (ids drawn at random, so no full scan)."""
    table = sql.split(" from ")[1].split()[0]
    top = store.db.execute(f"select max(id) from {table}").fetchone()[0] or 0
    rows: list[tuple] = []
    while len(rows) < count and top:
        ids = [rng.randint(1, top) for _ in range(count * 3)]
        marks = ",".join("?" * len(ids))
        rows += store.db.execute(f"{sql} and id in ({marks})", ids).fetchall()
    return rows[:count]


def who_said_queries(store: Store, rng: random.Random, per_kind: int) -> dict[str, list[str]]:
    rows = sample_rows(
        store,
        "select id, text from quotes where kind = 'direct' and length(text) > 40",
        per_kind * 3,
        rng,
    )
    phrases = []
    for _id, text in rows:
        words = text.split()
        if len(words) < 5:
            continue
        size = rng.randint(4, min(8, len(words)))
        start = rng.randrange(0, len(words) - size + 1)
        phrases.append(" ".join(words[start : start + size]))
    exact = phrases[:per_kind]
    typos = [typo(rng, p, rng.choice((1, 1, 2))) for p in phrases[per_kind : 2 * per_kind]]
    partial = []
    for p in phrases[2 * per_kind : 3 * per_kind]:
        words = p.split()
        if len(words) > 4:
            del words[rng.randrange(1, len(words) - 1)]
        if len(words[-1]) > 4:
            words[-1] = words[-1][: len(words[-1]) - 2]
        partial.append(" ".join(words))
    misses = [" ".join(rng.sample(MISS_WORDS, rng.randint(3, 5))) for _ in range(per_kind)]
    return {"exact": exact, "typo": typos, "partial": partial, "miss": misses}


def name_queries(store: Store, table: str, rng: random.Random, count: int) -> list[str]:
    names = [row[0] for row in sample_rows(store, f"select name from {table} where 1", count, rng)]
    return [typo(rng, n) if i % 2 and len(n) > 5 else n for i, n in enumerate(names)]


def search_queries(store: Store, rng: random.Random, count: int) -> list[str]:
    titles = [r[0] for r in sample_rows(store, "select title from articles where 1", count, rng)]
    queries = []
    for title in titles:
        words = [w for w in title.split() if len(w) > 3] or title.split()
        queries.append(" ".join(rng.sample(words, min(len(words), rng.randint(2, 3)))))
    return queries


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return at(0.50), at(0.95), at(0.99)


def timed(
    fn: Callable[[str], object], queries: list[str], forget: Callable[[], None] = lambda: None
) -> tuple[list[float], list[float]]:
    """Wall ms and CPU ms per query. ``forget`` runs before each query (not timed): the
    index's recent answers would otherwise answer the same queries again."""
    wall, cpu = [], []
    for query in queries:
        forget()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(query)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def commands(store: Store, index: SearchIndex) -> dict[str, Callable[[str], object]]:
    articles = store.articles

    def who_said_handler(query: str) -> object:  # handlers/who_said.py
        hits = index.who_said(query, limit=9)
        if not hits:
            hits = index.closest_quotes(query, limit=3)
        return [articles.quote(h.quote_id) for h in hits[:3]]

    def quotes_handler(name: str) -> object:  # handlers/quotes.py
        hits = index.people(name, limit=4) or index.people(name, limit=3, cutoff=45)
        if hits:
            return articles.person(hits[0].id), articles.quotes_by_person(hits[0].id, limit=5)
        return None

    def topics_handler(name: str) -> object:  # handlers/topics.py
        hits = index.topics(name, limit=3) or index.topics(name, limit=3, cutoff=40)
        if hits:
            tid = hits[0].id
            return (
                articles.topic(tid),
                articles.count_on_topic(tid),
                articles.articles_on_topic(tid, limit=5),
            )
        return None

    def search_handler(words: str) -> object:  # handlers/articles.py
        return [articles.get(i) for i in index.articles(words, limit=5)]

    return {
        "who_said": lambda q: index.who_said(q, limit=9),
        "who_said_handler": who_said_handler,
        "quotes": quotes_handler,
        "topics": topics_handler,
        "search": search_handler,
        "quotes_top": lambda _q: articles.most_quoted_people(limit=8),
        "topics_top": lambda _q: articles.topic_counts(limit=24),
        "latest": lambda _q: (articles.latest(limit=5), articles.count()),
    }


def recall(
    store: Store, index: SearchIndex, queries: list[str], kinds: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Agreement of the fast path with the exhaustive scan over ``queries``; with ``kinds``
    (query to its kind), also prints the agreement per kind and each query that differs."""
    started = time.perf_counter()
    ids, texts = [], []
    for quote_id, text, _speaker in store.articles.iter_quotes():
        ids.append(quote_id)
        texts.append(text or "")
    folded = [fold(t) for t in texts]
    same_score = same_quote = 0
    per_kind: dict[str, list[int]] = {}
    for query in queries:
        fast = index.who_said(query, limit=1)
        full = rank_quotes(squash(query), ids, texts, folded, 1, index.QUOTE_CUTOFF)
        same = [h.score for h in fast] == [h.score for h in full]
        same_score += same
        same_quote += [h.quote_id for h in fast] == [h.quote_id for h in full]
        if kinds is not None:
            counts = per_kind.setdefault(kinds[query], [0, 0])
            counts[0] += same
            counts[1] += 1
            if not same:
                best = [(h.quote_id, round(h.score, 1)) for h in full]
                found = [(h.quote_id, round(h.score, 1)) for h in fast]
                print(f"  differs ({kinds[query]}): {query!r} scan {best} fast {found}")
    if per_kind:
        print(
            "  same best score by kind: "
            + ", ".join(f"{k} {n}/{total}" for k, (n, total) in per_kind.items())
        )
    elapsed = time.perf_counter() - started
    return same_score / len(queries), same_quote / len(queries), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--db", type=Path, help="use this store instead of bench/out/store-N.db")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-kind", type=int, default=100, help="/who said queries per kind")
    parser.add_argument("--recall", type=int, default=100, help="queries in the recall check")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    store = Store.open(args.db or ensure_store(args.n))
    started = time.perf_counter()
    index = SearchIndex(store)
    ready = time.perf_counter() - started
    index.wait_until_ready(60)
    print(
        f"index ready in {ready * 1000:.0f} ms, its vocabulary read in the background after "
        f"{time.perf_counter() - started:.1f} s: {store.articles.count()} articles, "
        f"{index.quote_count} quotes"
    )
    rng = random.Random(args.seed)
    ws = who_said_queries(store, rng, args.per_kind)
    sets = {
        "who_said": [q for qs in ws.values() for q in qs],
        "who_said_handler": [q for qs in ws.values() for q in qs],
        "quotes": name_queries(store, "people", rng, 200),
        "topics": name_queries(store, "topics", rng, 200),
        "search": search_queries(store, rng, 200),
        "quotes_top": ["-"] * 20,
        "topics_top": ["-"] * 20,
        "latest": ["-"] * 20,
    }
    cmds = commands(store, index)
    forget = getattr(index, "forget", lambda: None)  # (older code kept no recent answers)
    for name, queries in sets.items():  # warm caches and the fold table
        timed(cmds[name], queries[:10])
    results: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in sets}
    by_kind: dict[str, list[tuple[float, float, float, float]]] = {kind: [] for kind in ws}
    for run in range(args.runs):
        print(f"run {run + 1}: p50 / p95 / p99 ms, mean CPU ms")
        for name, queries in sets.items():
            if hasattr(index, "forget"):
                index.forget(words=True)
            samples, cpu = timed(cmds[name], queries, forget)
            results[name].append((*percentiles(samples), statistics.mean(cpu)))
            p = results[name][-1]
            print(
                f"  {name:17s} {p[0]:7.1f} {p[1]:7.1f} {p[2]:7.1f} {p[3]:7.2f}"
                f"   ({len(queries)} queries)"
            )
            if name == "who_said":
                for k, kind in enumerate(ws):
                    part = slice(k * args.per_kind, (k + 1) * args.per_kind)
                    by_kind[kind].append((*percentiles(samples[part]), statistics.mean(cpu[part])))
    print(f"median of {args.runs} runs: p50 / p95 / p99 ms, mean CPU ms")
    for name, runs in {**results, **{f"  who_said:{k}": v for k, v in by_kind.items()}}.items():
        med = [statistics.median(r[i] for r in runs) for i in range(4)]
        print(f"  {name:17s} {med[0]:7.1f} {med[1]:7.1f} {med[2]:7.1f} {med[3]:7.2f}")
    if args.recall:
        pool = ws["exact"] + ws["typo"] + ws["partial"]
        sample = random.Random(args.seed + 1).sample(pool, min(args.recall, len(pool)))
        kinds = {q: kind for kind, qs in ws.items() for q in qs}
        same_score, same_quote, seconds = recall(store, index, sample, kinds)
        print(
            f"recall vs exhaustive scan over {len(sample)} queries: same best score "
            f"{same_score:.3f}, same best quote {same_quote:.3f} ({seconds:.0f} s)"
        )
    store.close()


if __name__ == "__main__":
    main()
