"""Start-up: time from spawning the bot to its first answered update, and its peak RSS.

Usage:
    .venv/bin/python bench/bench_startup.py                # 100,000-article store, 5 runs
    .venv/bin/python bench/bench_startup.py -n 3000 --runs 3

Each run spawns the bot as ``newsbot run`` does (``python -m bot run`` with the token and
``TELEGRAM_API_BASE_URL`` of a local ``BotApiServer``), with a /start already queued, and times
until the reply reaches the server: interpreter start, imports, opening the store (integrity
check, migrations), building the search index, setMyCommands, the first getUpdates and the
answer. Then 200 mixed commands are answered and the bot's peak RSS (VmHWM) is read.
The operating system's file cache is warm (the store was just built or used): a cold cache
adds the time to read what start-up touches from disk.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from bench_e2e import (  # noqa: E402
    FIRST_CHAT,
    BotProcess,
    _no_nagle,
    bot_environment,
    mixed_commands,
    run_phase,
)
from corpus import ensure_store  # noqa: E402

from bot.store import Store  # noqa: E402
from tests.botapi.pytest_plugin import BOT_TOKEN  # noqa: E402
from tests.botapi.server import BotApiServer  # noqa: E402


class NewsbotRun(BotProcess):
    """``python -m bot run``, exactly the user's command."""

    def __init__(self, server: BotApiServer, db: Path) -> None:
        self.log = open(HERE / "out" / "bot-startup.log", "w")  # noqa: SIM115
        self.started = time.time()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=bot_environment(server, db),
            cwd=REPO,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--db", type=Path, help="use this store instead of bench/out/store-N.db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = args.db or ensure_store(args.n)
    store = Store.open(db)
    commands = mixed_commands(store, 200, seed=9)
    store.close()
    _no_nagle()
    startups, peaks = [], []
    for run in range(args.runs):
        server = BotApiServer(BOT_TOKEN).start()
        chat = FIRST_CHAT - 1
        server.push_message(chat, "/start")
        bot = NewsbotRun(server, db)
        try:
            reply = server.wait_for_sync(1, chat_id=chat, timeout=120)[0]
            startup = reply.time - bot.started
            first_rss = bot.peak_rss_mb()
            run_phase(server, bot, commands, 50, None, 120)
            peak = bot.peak_rss_mb()
        finally:
            bot.stop()
            server.stop()
        startups.append(startup)
        peaks.append(peak)
        print(
            f"run {run + 1}: first answer {startup:.2f} s after spawn; peak RSS "
            f"{first_rss:.0f} MB at the first answer, {peak:.0f} MB after 200 commands",
            flush=True,
        )
    print(
        f"median of {args.runs} runs: start-up {statistics.median(startups):.2f} s, "
        f"peak RSS {statistics.median(peaks):.0f} MB"
    )


if __name__ == "__main__":
    main()
