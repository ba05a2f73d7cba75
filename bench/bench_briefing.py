"""How long one subscriber's briefing takes to build on a large store with a busy day.

Usage (on a COPY of the 100,000-article bench store; opening it migrates it in place):
    .venv/bin/python bench/bench_briefing.py --db /tmp/me-store.db [--new 5000] [--runs 30]

The newest ``--new`` articles are given ingestion times spread over the 24 hours before the
briefing, every other article an older one, so the briefing's window holds one day of news.
Each run builds the briefing of a subscriber with a followed topic from scratch (no cache,
``bot.briefings.briefing_for``); the median and the slowest run are printed, with how many
stories the window had.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.briefings import briefing_for  # noqa: E402
from bot.clock import utc_iso  # noqa: E402
from bot.store import Store  # noqa: E402

AS_OF = datetime(2030, 1, 2, 7, 0, tzinfo=UTC)
CHAT = 4242


def prepare(store: Store, new: int) -> None:
    """One day of ``new`` articles before ``AS_OF``; everything else two days older."""
    newest = store.db.execute(
        "select id from articles order by id desc limit 1 offset ?", [new - 1]
    ).fetchone()[0]
    step = 86_400 / new
    with store.db.conn:
        store.db.execute(
            "update articles set ingested_at = ? where id < ?",
            [utc_iso(AS_OF - timedelta(days=3)), newest],
        )
        rows = store.db.execute("select id from articles where id >= ? order by id", [newest])
        store.db.conn.executemany(
            "update articles set ingested_at = ? where id = ?",
            [
                (utc_iso(AS_OF - timedelta(seconds=86_400 - step * n)), row[0])
                for n, row in enumerate(rows.fetchall())
            ],
        )
    topic = store.db.execute(
        "select topic_id from article_topics group by topic_id order by count(*) desc limit 1 "
        "offset 3"
    ).fetchone()[0]
    store.subscriptions.follow(CHAT, topic, AS_OF)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--new", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    began = time.perf_counter()
    store = Store.open(args.db)
    print(f"opened (and migrated) {args.db} in {time.perf_counter() - began:.1f} s")
    try:
        prepare(store, args.new)
        window = store.stories.in_window(utc_iso(AS_OF - timedelta(days=1)), utc_iso(AS_OF))
        print(f"{store.articles.count()} articles, {len(window)} stories in the day's window")
        times = []
        briefing = None
        for _ in range(args.runs):
            start = time.perf_counter()
            briefing = briefing_for(store, CHAT, AS_OF.date(), AS_OF)
            times.append((time.perf_counter() - start) * 1000)
        assert briefing is not None
        print(
            f"briefing for one subscriber: median {statistics.median(times):.1f} ms, "
            f"slowest {max(times):.1f} ms over {args.runs} runs; "
            f"{len(briefing.stories)} stories, sources {[s.sources for s in briefing.stories]}"
        )
    finally:
        store.close()


if __name__ == "__main__":
    main()
