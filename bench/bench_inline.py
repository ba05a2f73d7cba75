"""Inline answer time at the benchmark store: building the answer to ``@bot <words>`` in process.

Usage:
    .venv/bin/python bench/bench_inline.py --db /path/to/a/copy/of/store-100000.db
    .venv/bin/python bench/bench_inline.py -n 3000 --runs 5

What is timed is ``handlers.inline.answer_for``: the /who said search, the quote rows with
their articles, the speakers' roles and the result objects (what the handler hands to
``answerInlineQuery``), one query at a time. Queries are bench_search's (exact phrases, typos,
partial phrases, misses drawn from the store, ``--per-kind`` each) plus an empty query (the
day's most quoted people), long pasted text and markup. The search's recent answers (and for
the empty query the store's remembered answer) are forgotten before each query, so every
figure is a query not seen before. The mean CPU ms per query is printed too: what other load on
the machine inflates least. Prints p50/p95/p99 ms
per kind and over all queries, for each run and the median over runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_search import percentiles, timed, who_said_queries
from corpus import ensure_store

from bot.config import Settings
from bot.search import SearchIndex
from bot.services import Services
from bot.store import Store
from handlers.inline import answer_for


def queries_by_kind(store: Store, rng: random.Random, per_kind: int) -> dict[str, list[str]]:
    kinds = who_said_queries(store, rng, per_kind)
    long_texts = [
        " ".join(text.split() * 6)[:300]
        for (text,) in store.db.execute(
            "select text from quotes where kind = 'direct' and length(text) > 60 limit ?",
            [per_kind // 4 or 1],
        )
    ]
    kinds["long (300 chars)"] = long_texts
    kinds["markup <b>&"] = [f"<b>& {q}</b>" for q in kinds["exact"][: per_kind // 4 or 1]]
    kinds["empty"] = [""] * (per_kind // 4 or 1)
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--db", type=Path, help="use this store instead of bench/out/store-N.db")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    path = args.db or ensure_store(args.n)
    store = Store.open(path)
    index = SearchIndex(store)
    index.wait_until_ready(120)
    svc = Services(settings=Settings(db_path=path), store=store, search=index)
    kinds = queries_by_kind(store, random.Random(args.seed), args.per_kind)
    print(f"store: {path} ({store.articles.count()} articles, {index.quote_count} quotes)")
    answer_for(svc, "warm up the caches of the store", "newsbot")
    p95s: dict[str, list[float]] = {}
    for run in range(1, args.runs + 1):
        print(f"run {run}")
        everything: list[float] = []
        for kind, queries in kinds.items():
            index.forget(words=True)

            def forget(kind: str = kind) -> None:
                index.forget()
                if kind == "empty":  # the day's most quoted, remembered per store version
                    store.articles._memo.clear()

            wall, cpu = timed(lambda q: answer_for(svc, q, "newsbot"), queries, forget)
            everything += wall
            p50, p95, p99 = percentiles(wall)
            p95s.setdefault(kind, []).append(p95)
            print(
                f"  {kind:18} n={len(queries):4}  p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f} ms"
                f"  (CPU mean {statistics.fmean(cpu):6.1f} ms)"
            )
        p50, p95, p99 = percentiles(everything)
        p95s.setdefault("all", []).append(p95)
        print(
            f"  {'all':18} n={len(everything):4}  p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f} ms"
        )
    print("median p95 over runs (ms):")
    for kind, values in p95s.items():
        print(f"  {kind:18} {statistics.median(values):6.1f}")
    store.close()


if __name__ == "__main__":
    main()
