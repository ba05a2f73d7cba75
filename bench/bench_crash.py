"""SIGKILL ``newsbot run`` at random moments of a ``/brief all`` fan-out; count what is in doubt.

Each round: a fresh store with 60 subscribers, the local Bot API server answering each
briefing 50 ms after delivering it, the bot killed 0.3-1.5 s into the fan-out, then started
again and told ``/brief all`` once more. Prints, over all rounds, the briefings in doubt per
kill (rows left ``claimed``: the most one crash left, and the total), the subscribers who got
none (in doubt and not delivered) and those who got two (must be 0).

    .venv/bin/python -m bench.bench_crash [--rounds 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.store import Store  # noqa: E402
from tests.botapi.server import DEFAULT_TOKEN, BotApiServer  # noqa: E402
from tests.briefings.test_delivery_crash import (  # noqa: E402
    ADMIN,
    SUBSCRIBERS,
    admin_says,
    delivered_counts,
    start_bot,
    wait,
)


def one_round(workdir: Path, rng: random.Random) -> tuple[int, int, int]:
    """(rows in doubt at the kill, subscribers with none at the end, with two)."""
    db = workdir / "news.db"
    now = datetime.now(UTC)
    store = Store.open(db)
    try:
        away = (now - timedelta(hours=6)).time()
        for chat_id in SUBSCRIBERS:
            store.subscriptions.subscribe(chat_id, clock_time(away.hour, away.minute), "UTC", now)
    finally:
        store.close()
    with BotApiServer(DEFAULT_TOKEN) as server:
        for chat_id in [ADMIN, *SUBSCRIBERS]:
            server.add_chat(chat_id)
        server.delay("sendMessage", 0.05)
        log = workdir / "bot.log"
        first = start_bot(server, workdir, log)
        try:
            wait(lambda: bool(server.commands()), "the first start", timeout=60)
            admin_says(server, "/brief all", 1)
            time.sleep(rng.uniform(0.3, 1.5))
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=5)
        finally:
            if first.poll() is None:
                first.kill()
        with sqlite3.connect(db) as conn:
            in_doubt = conn.execute(
                "select count(*) from deliveries where status = 'claimed'"
            ).fetchone()[0]
        server.clear_faults()
        second = start_bot(server, workdir, log)
        try:
            wait(lambda: len(server.commands()) > 0, "the second start", timeout=60)
            admin_says(server, "/brief all", 2)
        finally:
            second.send_signal(signal.SIGINT)
            second.wait(timeout=15)
        counts = delivered_counts(server)
    return (
        in_doubt,
        sum(1 for n in counts.values() if n == 0),
        sum(1 for n in counts.values() if n > 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    results = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(one_round(Path(tmp), rng))
    doubts = [r[0] for r in results]
    print(f"{'kills':>24}: {len(results)}")
    print(f"{'in doubt, most per kill':>24}: {max(doubts)}")
    print(f"{'in doubt, total':>24}: {sum(doubts)}")
    print(f"{'never delivered':>24}: {sum(r[1] for r in results)}")
    print(f"{'delivered twice':>24}: {sum(r[2] for r in results)}")


if __name__ == "__main__":
    main()
