"""How long one subscriber's briefing takes to build on a large store with a busy day.

Usage (on a COPY of the 100,000-article bench store; opening it migrates it in place):
    .venv/bin/python bench/bench_briefing.py --db /tmp/me-store.db [--new 5000] [--runs 30]

Before the store is opened (and grouped, by its migration), its articles are given dates and
ingestion times of ``--new`` articles a day, oldest first, ending on the day of the briefing:
the bench corpus has no dates, and a store of one day would be one window of 100,000 articles.
So the briefing's window holds one day of ``--new`` articles, grouped as they were ingested.
Each run builds the briefing of a subscriber with a followed topic from scratch (no cache,
``bot.briefings.briefing_for``); the median and the slowest run are printed, with how many
stories the window had.
"""

from __future__ import annotations

import argparse
import sqlite3
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


def spread_over_days(path: Path, per_day: int) -> None:
    """``per_day`` articles a day, by id, the last day being the briefing's (raw SQL: the
    file is not opened as a store yet, so it is not migrated before its dates are set)."""
    db = sqlite3.connect(path)
    try:
        ids = [row[0] for row in db.execute("select id from articles order by id")]
        days = (len(ids) + per_day - 1) // per_day
        first = AS_OF - timedelta(days=days)
        step = 86_400 / per_day
        rows = []
        for n, article_id in enumerate(ids):
            seen = first + timedelta(days=n // per_day, seconds=step * (n % per_day))
            rows.append((seen.date().isoformat(), utc_iso(seen), article_id))
        db.executemany("update articles set date = ?, ingested_at = ? where id = ?", rows)
        db.commit()
    finally:
        db.close()


def follow_a_topic(store: Store) -> None:
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
    spread_over_days(args.db, args.new)
    began = time.perf_counter()
    store = Store.open(args.db)
    print(f"opened (and migrated) {args.db} in {time.perf_counter() - began:.1f} s")
    try:
        follow_a_topic(store)
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
