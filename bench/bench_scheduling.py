"""Scheduling at scale: start-up with many subscriptions, and one /settings change.

Usage:
    .venv/bin/python bench/bench_scheduling.py                 # 50,000 subscriptions, 3 runs
    .venv/bin/python bench/bench_scheduling.py -n 5000 --runs 5

The store (``bench/out/subscriptions-N.db``) holds the seed articles and N active
subscriptions at clocks spread over the day in a dozen zones. Two measurements:

- start-up: the bot spawned as ``newsbot run`` (``python -m bot run`` against a local
  ``BotApiServer`` with a /start queued); seconds from spawn to the reply reaching the server,
  and the last run's peak RSS ``--settle`` seconds later, once every daily job is made.
- a settings change: in this process, the bot built and started on the same store (every
  job scheduled), then 500 chats each change their time as /settings does (the store's
  update, then ``scheduling.reschedule``); the median and 95th percentile of one change.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from bench_e2e import FIRST_CHAT, BotProcess, _no_nagle, bot_environment  # noqa: E402

from bot import scheduling  # noqa: E402
from bot.application import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.ingest import ingest_paths  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.botapi.pytest_plugin import BOT_TOKEN  # noqa: E402
from tests.botapi.server import BotApiServer  # noqa: E402

ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Santiago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Africa/Lagos",
    "America/Sao_Paulo",
    "UTC",
    "UTC+03:00",
)
OUT = HERE / "out"


def build_store(n: int) -> Path:
    """The seeds and ``n`` subscriptions (made once, then copied for each run)."""
    path = OUT / f"subscriptions-{n}.db"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    building = path.with_suffix(".building")
    for stale in OUT.glob(f"{building.name}*"):
        stale.unlink()
    store = Store.open(building)
    ingest_paths(store, [REPO / "seeds"])
    stamp = "2026-01-01T00:00:00+00:00"
    # Scheduled from a day far ahead: no briefing falls due during the bench, which measures
    # scheduling, not sending.
    since = "2999-01-01T00:00:00+00:00"
    with store.db.conn:
        store.db.conn.executemany(
            "insert into subscriptions (chat_id, clock, tz, created_at, updated_at, "
            "schedule_since) values (?, ?, ?, ?, ?, ?)",
            [
                (
                    FIRST_CHAT + i,
                    f"{(i * 7) % 24:02d}:{(i * 13) % 60:02d}",
                    ZONES[i % len(ZONES)],
                    stamp,
                    stamp,
                    since,
                )
                for i in range(n)
            ],
        )
    store.close()
    building.rename(path)
    return path


class NewsbotRun(BotProcess):
    """``python -m bot run``, exactly the user's command."""

    def __init__(self, server: BotApiServer, db: Path) -> None:
        self.log = open(OUT / "bot-scheduling.log", "w")  # noqa: SIM115
        self.started = time.time()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=bot_environment(server, db),
            cwd=REPO,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )


def startup(db: Path, settle: float = 0.0) -> tuple[float, float]:
    """Seconds to the first answer; the bot's peak RSS in MB ``settle`` seconds after it
    (every job made by then), NaN without a settle time."""
    server = BotApiServer(BOT_TOKEN).start()
    chat = FIRST_CHAT - 1
    server.push_message(chat, "/start")
    bot = NewsbotRun(server, db)
    try:
        reply = server.wait_for_sync(1, chat_id=chat, timeout=300)[0]
        if settle:
            time.sleep(settle)
        return reply.time - bot.started, bot.peak_rss_mb() if settle else float("nan")
    finally:
        bot.stop()
        server.stop()


async def settings_changes(db: Path, n: int, changes: int = 500) -> list[float]:
    """Seconds each of ``changes`` time changes takes: the update, then the reschedule."""
    server = BotApiServer(BOT_TOKEN).start()
    services = Services.start(Settings(api_base_url=server.base_url, db_path=db))
    app = build_application(services, token=BOT_TOKEN)
    try:
        await app.initialize()
        await app.post_init(app)
        await app.start()
        took = []
        now = datetime.now(UTC)
        for k in range(changes):
            chat_id = FIRST_CHAT + (k * 97) % n
            began = time.perf_counter()
            services.store.subscriptions.update(chat_id, now, clock=clock_time(k % 24, 30))
            scheduling.reschedule(app, chat_id)
            took.append(time.perf_counter() - began)
        return took
    finally:
        await app.stop()
        if app.post_stop is not None:
            await app.post_stop(app)
        await app.shutdown()
        services.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=50_000, help="subscriptions in the store")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--settle", type=float, default=20.0, help="seconds before reading the last run's RSS"
    )
    args = parser.parse_args()
    source = build_store(args.n)
    _no_nagle()
    work = OUT / f"subscriptions-{args.n}-run.db"
    times = []
    for run in range(args.runs):
        shutil.copy(source, work)
        last = run == args.runs - 1
        took, peak = startup(work, settle=args.settle if last else 0.0)
        times.append(took)
        rss = f"; peak RSS {peak:.0f} MB {args.settle:g} s later" if last else ""
        print(f"run {run + 1}: first answer {took:.2f} s after spawn{rss}", flush=True)
    shutil.copy(source, work)
    took = sorted(asyncio.run(settings_changes(work, args.n)))
    print(
        f"{args.n} subscriptions: start-up median {statistics.median(times):.2f} s "
        f"({args.runs} runs); a settings change median {statistics.median(took) * 1000:.2f} ms, "
        f"p95 {took[int(len(took) * 0.95)] * 1000:.2f} ms ({len(took)} changes)"
    )


if __name__ == "__main__":
    main()
