"""Alert latency: 1,000 followers of 20 people while 500 articles are ingested.

The bot runs in this process as ``newsbot run`` starts it (its job queue checks for new
articles every 5 s, its pacer keeps 30 messages/s); the local Bot API server runs in its own
process (``tests.botapi.serve``) enforcing 30 messages/s (429 beyond); the articles are saved
by a third process (this file with ``--ingest-child``), as ``newsbot ingest`` writes the same
file while the bot runs. One article in ten quotes one of the 20 followed people (50 followers
each), the others only people nobody follows, each article a story of its own.

Latency is from the moment an article's save committed to the moment the server received its
alert, per alert; printed as p50/p95/max, with lost (an alert logged but never received) and
duplicated (a chat receiving one alert twice) counts, and the ingestion rate (articles/s and
CPU ms per article of the ingesting process) with the bot running against the same ingest, at
the same pace, into a copy with no bot at all (``--rate 0``: as fast as they can).

    .venv/bin/python -m bench.bench_alerts [--articles 500] [--followers 1000] [--rate 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.alerts import alert_sender  # noqa: E402
from bot.application import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.botapi.serve import ServerProcess  # noqa: E402
from tests.botapi.server import DEFAULT_TOKEN  # noqa: E402
from tests.conftest import make_article  # noqa: E402

CAP = 30.0
PEOPLE = [f"Followed Person{n:02d} Speaker" for n in range(20)]
OTHERS = [f"Other Person{n:03d} Voice" for n in range(200)]


def article(index: int) -> tuple[str, object]:
    """Article ``index`` of the bench: one in ten quotes a followed person."""
    quotes = [
        (f"Number {index} words of the {k} other speaker on the matter", OTHERS[(index + k) % 200])
        for k in range(2)
    ]
    people = [(name, "official") for _, name in quotes]
    if index % 10 == 0:
        person = PEOPLE[(index // 10) % len(PEOPLE)]
        quotes.insert(0, (f"The followed speaker said item {index} matters a great deal", person))
        people.insert(0, (person, "minister"))
    day = (date(2028, 1, 1) + timedelta(days=index * 3)).isoformat()
    return f"bench-{index}", make_article(f"Bench story {index}", quotes, people=people, date=day)


def ingest_child(db: Path, first: int, count: int, rate: float) -> None:
    """Save ``count`` articles at ``rate`` a second (0: as fast as possible); print
    ``{"id", "saved"}`` per article and a last line with the CPU time."""
    store = Store.open(db)
    started = time.monotonic()
    cpu = time.process_time()
    for n in range(count):
        if rate:
            wait = started + n / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        slug, parsed = article(first + n)
        saved = store.articles.save(parsed, slug=slug, content_hash=slug, text="x" * 300)
        print(json.dumps({"id": saved.article_id, "saved": time.time()}), flush=True)
    print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.monotonic() - started}))
    store.close()


def run_ingest(db: Path, first: int, count: int, rate: float) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--ingest-child",
            str(db),
            str(first),
            str(count),
            str(rate),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def read_ingest(process: subprocess.Popen) -> tuple[dict[int, float], dict[str, float]]:
    out, _ = process.communicate()
    saved, totals = {}, {}
    for line in out.splitlines():
        row = json.loads(line)
        if "id" in row:
            saved[row["id"]] = row["saved"]
        else:
            totals = row
    return saved, totals


def prepare(db: Path, followers: int) -> list[int]:
    """The 20 people known (an article quoting each), 1,000 chats following one each, no
    quiet hours (the bench runs at any time of day)."""
    store = Store.open(db)
    quotes = [(f"Earlier words of {name}", name) for name in PEOPLE]
    earlier = make_article("Earlier", quotes, people=[(n, "minister") for n in PEOPLE])
    store.articles.save(earlier, slug="earlier", content_hash="earlier", text="x" * 300)
    ids = dict(store.db.execute("select name, id from people").fetchall())
    chats = list(range(200_001, 200_001 + followers))
    now = time.time()
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(now, UTC)
    for n, chat_id in enumerate(chats):
        store.alerts.follow(chat_id, ids[PEOPLE[n % len(PEOPLE)]], moment)
        store.alerts.set_quiet_hours(chat_id, None)
    store.close()
    return chats


async def bench(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "alerts.db"
        chats = prepare(db, args.followers)
        baseline_db = Path(tmp) / "baseline.db"
        shutil.copy(db, baseline_db)
        # The same ingest with no bot at all, for comparison.
        _, baseline = read_ingest(run_ingest(baseline_db, 0, args.articles, args.rate))
        server = ServerProcess(DEFAULT_TOKEN).start()
        try:
            for chat_id in chats:
                server.call("add_chat", chat_id)
            server.call("rate_limit", per_second=CAP)
            settings = Settings(api_base_url=server.base_url, db_path=db, seeds_dir=REPO / "none")
            services = Services.start(settings)
            app = build_application(services, token=DEFAULT_TOKEN)
            await app.initialize()
            await app.post_init(app)
            await app.start()
            ingest = run_ingest(db, 0, args.articles, args.rate)
            while ingest.poll() is None:
                await asyncio.sleep(0.2)
            saved, with_bot = read_ingest(ingest)
            # Drain: until every alert logged is dealt with (two checks after the last save).
            await asyncio.sleep(12)
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                open_rows = services.store.db.execute(
                    "select count(*) from alerts where status in "
                    "('queued', 'held', 'failed', 'claimed')"
                ).fetchone()[0]
                sender = alert_sender(app)
                if open_rows == 0 and (sender is None or not sender.busy):
                    break
                await asyncio.sleep(0.5)
            statuses = services.store.alerts.counts()
            await app.stop()
            await app.post_stop(app)
            await app.shutdown()
            services.close()
            delivered = server.call("delivered")
            hits = server.get("rate_limit_hits")
        finally:
            server.stop()
    latencies, seen = [], Counter()
    for message in delivered:
        buttons = (message.message.get("reply_markup") or {}).get("inline_keyboard", [])
        data = buttons[0][0]["callback_data"] if buttons else ""
        article_id = int(data[3:]) if data.startswith("ar:") else None
        seen[(message.chat_id, article_id)] += 1
        if article_id in saved:
            latencies.append(message.time - saved[article_id])
    latencies.sort()
    sent = statuses.get("sent", 0)
    expected = sum(statuses.values())
    span = (max(m.time for m in delivered) - min(m.time for m in delivered)) if delivered else 0
    return {
        "articles": args.articles,
        "followers": args.followers,
        "alerts_logged": expected,
        "alert_statuses": statuses,
        "alerts_received": len(delivered),
        "lost": expected - len({k for k in seen}),
        "duplicated": sum(1 for n in seen.values() if n > 1),
        "latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 2)
        if latencies
        else None,
        "latency_max_s": round(latencies[-1], 2) if latencies else None,
        "send_rate_per_s": round(len(delivered) / span, 1) if span else None,
        "server_429s": hits,
        "sent_in_log": sent,
        "ingest_articles_per_s_with_bot": round(args.articles / with_bot["wall"], 1),
        "ingest_articles_per_s_no_bot": round(args.articles / baseline["wall"], 1),
        "ingest_cpu_ms_per_article_with_bot": round(1000 * with_bot["cpu"] / args.articles, 2),
        "ingest_cpu_ms_per_article_no_bot": round(1000 * baseline["cpu"] / args.articles, 2),
    }


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--ingest-child":
        db, first, count, rate = sys.argv[2:6]
        ingest_child(Path(db), int(first), int(count), float(rate))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5.0, help="articles saved per second")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    result = asyncio.run(bench(args))
    for key, value in result.items():
        print(f"{key:>36}: {value}")
    ok = (
        result["lost"] == 0 and result["duplicated"] == 0 and (result["latency_p95_s"] or 999) <= 60
    )
    print(f"{'target':>36}: {'met' if ok else 'MISSED'} (p95 <= 60 s, 0 lost, 0 duplicated)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
