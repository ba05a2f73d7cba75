"""End to end: 2,000 mixed commands from 200 chats through the real bot and the local Bot API.

Usage:
    .venv/bin/python bench/bench_e2e.py                    # 100,000-article store, as shipped
    .venv/bin/python bench/bench_e2e.py --no-rate-limit    # without the 30 msg/s send pacing
    .venv/bin/python bench/bench_e2e.py -n 3000 --runs 3 --rate 200

The bot runs in its own process, started as ``newsbot run`` starts it (``bench/run_bot.py``:
settings from the environment, ``Services.start``, ``build_application``, ``run_polling``),
long-polling ``tests/botapi/server.py``'s ``BotApiServer`` in this process. Commands: /who said
(exact, typo, partial, miss), /quotes <name>, /quotes, /topics <name>, /topics, /search, /latest,
/start, /help, drawn from the store like ``bench_search.py``'s queries.

Two phases per run, 2,000 commands each (10 per chat):
- burst: all pushed at once; commands/s = commands / (last reply - first push);
- paced: pushed at ``--rate`` commands/s (default 200) round-robin over the chats; latency of
  each reply (push to sendMessage arriving at the server): p50/p95/p99.
Replies are matched to commands in order per chat (the bot answers each with one message).
Each phase also prints figures the machine's other load does not inflate the way it does
wall time: CPU time per command of the bot process (user + system, ``/proc/<pid>/stat``) and
of the Bot API server (this process's threads other than the main one, which pushes and
watches; also per HTTP call it served); and why the bot may have been slower than its CPU
time: how long its event loop waited for a CPU (``/proc/<pid>/task/<pid>/schedstat``) and what it
read from disk (page cache misses, ``/proc/<pid>/io``). Then the bot's peak RSS (VmHWM) and
any Bot API violations.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TextIO

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from bench_search import (  # noqa: E402
    name_queries,
    percentiles,
    search_queries,
    who_said_queries,
)
from corpus import ensure_store  # noqa: E402

from bot.store import Store  # noqa: E402
from tests.botapi.pytest_plugin import BOT_TOKEN  # noqa: E402
from tests.botapi.server import BotApiServer, _Handler  # noqa: E402

FIRST_CHAT = 100_001


def _no_nagle() -> None:
    """The test server writes headers and body in two sends; with Nagle's algorithm on, the
    body waits for the client's delayed ACK (~40 ms per call). Telegram does not do that, so
    the bench turns it off for its server (the test suite's server is left as it is)."""
    original = _Handler.setup

    def setup(self: _Handler) -> None:
        original(self)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    _Handler.setup = setup  # type: ignore[method-assign]


def bot_environment(server: BotApiServer, db: Path) -> dict[str, str]:
    """The environment a benchmarked bot runs in: ``server`` as Telegram, ``db`` as its store,
    none of the developer's own TELEGRAM_/NEWSBOT_ settings."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))},
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "NEWSBOT_DB": str(db),
        "NEWSBOT_SEEDS": str(REPO / "seeds"),
        "LOG_LEVEL": "WARNING",
    }


class BotProcess:
    """The bot in a child process, polling ``server``."""

    def __init__(self, server: BotApiServer, db: Path, rate_limit: bool = True) -> None:
        env = bot_environment(server, db)
        profile = os.environ.get("BENCH_PROFILE")
        command = [sys.executable, *(["-m", "cProfile", "-o", profile] if profile else [])]
        command.append(str(HERE / "run_bot.py"))
        if not rate_limit:
            command.append("--no-rate-limit")
        self.log = open(HERE / "out" / "bot.log", "w")  # noqa: SIM115
        self.started = time.time()
        self.process = subprocess.Popen(
            command, env=env, cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT
        )

    def cpu_seconds(self) -> float:
        """User + system CPU of the bot process so far (all its threads)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cpu_wait_seconds(self) -> float:
        """Time the bot's main thread (its event loop) was ready to run but waited for a CPU,
        i.e. the machine's other load, from /proc/<pid>/task/<pid>/schedstat."""
        try:
            stat = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/schedstat")
            return int(stat.read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return float("nan")

    def disk_read_bytes(self) -> int:
        """Bytes the bot process has read from disk (its page cache misses), from /proc."""
        try:
            for line in Path(f"/proc/{self.process.pid}/io").read_text().splitlines():
                if line.startswith("read_bytes:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def peak_rss_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def mixed_commands(store: Store, count: int, seed: int) -> list[str]:
    """``count`` commands in a fixed mix. The pools are as large as their share of the burst,
    so a query is rarely asked twice: the bot's cache of recent answers (``bot/search.py``)
    must not stand in for the search it saves (topics repeat: there are only a few hundred)."""
    rng = random.Random(seed)
    ws = who_said_queries(store, rng, max(60, count * 40 // 400))
    who = [f"/who said {q}" for qs in ws.values() for q in qs]
    people = [
        f"/quotes {n}" for n in name_queries(store, "people", rng, max(120, count * 12 // 100))
    ]
    topics = [f"/topics {n}" for n in name_queries(store, "topics", rng, max(60, count // 10))]
    search = [f"/search {q}" for q in search_queries(store, rng, max(120, count * 15 // 100))]
    mix = [
        (who, 0.40),
        (people, 0.12),
        (["/quotes"], 0.03),
        (topics, 0.10),
        (["/topics"], 0.03),
        (search, 0.15),
        (["/latest"], 0.07),
        (["/start"], 0.05),
        (["/help"], 0.05),
    ]
    pools, weights = zip(*mix, strict=True)
    for pool in pools:
        rng.shuffle(pool)
    taken = [0] * len(pools)
    commands = []
    for k in rng.choices(range(len(pools)), weights, k=count):  # each pool in turn, no repeats
        commands.append(pools[k][taken[k] % len(pools[k])])
        taken[k] += 1
    return commands


def wait_until_ready(server: BotApiServer, bot: BotProcess, timeout: float = 120) -> float:
    """Seconds from the bot's spawn to its answer to a /start pushed at spawn time."""
    server.push_message(FIRST_CHAT - 1, "/start")
    reply = server.wait_for_sync(1, chat_id=FIRST_CHAT - 1, timeout=timeout)[0]
    return reply.time - bot.started


def wait_until_idle(bot: BotProcess, timeout: float = 120) -> float:
    """Seconds until the bot uses under 5% of a core over half a second: its start-up work in
    the background (the search vocabularies) would otherwise be counted against the first run."""
    start = time.time()
    while time.time() - start < timeout:
        before = bot.cpu_seconds()
        time.sleep(0.5)
        if bot.cpu_seconds() - before < 0.025:
            break
    return time.time() - start


def run_phase(
    server: BotApiServer,
    bot: BotProcess,
    commands: list[str],
    chats: int,
    rate: float | None,
    timeout: float,
    dump: TextIO | None = None,
) -> dict[str, float]:
    before = {c: len(server.delivered(c)) for c in range(FIRST_CHAT, FIRST_CHAT + chats)}
    pushed: dict[int, list[float]] = {c: [] for c in before}
    calls_before = len(server.calls)
    bot_cpu, process_cpu, main_cpu = bot.cpu_seconds(), time.process_time(), time.thread_time()
    disk, cpu_wait = bot.disk_read_bytes(), bot.cpu_wait_seconds()
    start = time.time()
    for i, text in enumerate(commands):
        chat = FIRST_CHAT + i % chats
        if rate:
            delay = start + i / rate - time.time()
            if delay > 0:
                time.sleep(delay)
        pushed[chat].append(time.time())
        server.push_message(chat, text[:4096])
    pushed_all = time.time()
    deadline = time.time() + timeout
    expected = sum(before.values()) + len(commands)
    while time.time() < deadline:
        time.sleep(0.05)  # one cheap check per tick: the server's lock is the bot's too
        if server.delivered_count() < expected:
            continue
        if all(len(server.delivered(c)) - before[c] >= len(pushed[c]) for c in pushed):
            break
    bot_cpu = bot.cpu_seconds() - bot_cpu
    disk = bot.disk_read_bytes() - disk
    cpu_wait = bot.cpu_wait_seconds() - cpu_wait
    server_cpu = (time.process_time() - process_cpu) - (time.thread_time() - main_cpu)
    calls = len(server.calls) - calls_before
    latencies, last = [], start
    answered = 0
    texts: dict[int, list[str]] = {c: [] for c in pushed}
    for i, text in enumerate(commands):
        texts[FIRST_CHAT + i % chats].append(text)
    for chat, times in pushed.items():
        replies = server.delivered(chat)[before[chat] :]
        for sent_at, reply, text in zip(times, replies, texts[chat], strict=False):
            latencies.append((reply.time - sent_at) * 1000)
            last = max(last, reply.time)
            answered += 1
            if dump is not None:
                dump.write(
                    json.dumps(
                        {"pushed": round(sent_at - start, 4), "ms": latencies[-1], "text": text}
                    )
                    + "\n"
                )
    p50, p95, p99 = percentiles(latencies) if latencies else (float("nan"),) * 3
    return {
        "commands": len(commands),
        "answered": answered,
        "push_s": pushed_all - start,
        "seconds": last - start,
        "per_s": answered / max(last - start, 1e-9),
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "bot_ms": bot_cpu / len(commands) * 1000,
        "server_ms": server_cpu / len(commands) * 1000,
        "server_call_ms": server_cpu / max(calls, 1) * 1000,
        "calls": calls,
        "disk_kb": disk / 1024 / len(commands),
        "wait_ms": cpu_wait / len(commands) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--db", type=Path, help="use this store instead of bench/out/store-N.db")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200.0, help="paced phase commands/s")
    parser.add_argument("--no-rate-limit", action="store_true", help="bot sends unpaced")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--dump",
        type=Path,
        help="write each paced command's push time, latency and text here (JSON lines)",
    )
    args = parser.parse_args()
    db = args.db or ensure_store(args.n)
    store = Store.open(db)
    # Every phase of every run gets commands of its own (the warm-up too): the bot keeps recent
    # answers, and a phase repeating an earlier one's queries would measure that cache.
    phases = 2 * args.runs
    every = mixed_commands(store, 100 + phases * args.commands, args.seed)
    batches = iter(
        every[100 + i * args.commands : 100 + (i + 1) * args.commands] for i in range(phases)
    )
    store.close()
    _no_nagle()
    server = BotApiServer(BOT_TOKEN).start()
    bot = BotProcess(server, db, rate_limit=not args.no_rate_limit)
    results: dict[str, list[dict[str, float]]] = {"burst": [], "paced": []}
    try:
        ready = wait_until_ready(server, bot)
        print(
            f"bot answered its first update {ready:.2f} s after spawn "
            f"(rate limiter {'off' if args.no_rate_limit else 'on'})"
        )
        run_phase(server, bot, every[:100], args.chats, None, 60)  # warm-up
        print(f"bot idle {wait_until_idle(bot):.1f} s after the warm-up", flush=True)
        for run in range(args.runs):
            for phase, rate in (("burst", None), ("paced", args.rate)):
                timeout = 60 + 3 * args.commands / (rate or 30)
                dump = open(args.dump, "a") if args.dump and rate else None  # noqa: SIM115
                try:
                    r = run_phase(server, bot, next(batches), args.chats, rate, timeout, dump)
                finally:
                    if dump is not None:
                        dump.close()
                results[phase].append(r)
                print(
                    f"run {run + 1} {phase:5s}: {r['answered']}/{r['commands']} answered in "
                    f"{r['seconds']:.2f} s = {r['per_s']:.0f} commands/s; latency p50 "
                    f"{r['p50']:.0f} p95 {r['p95']:.0f} p99 {r['p99']:.0f} ms "
                    f"(pushed in {r['push_s']:.2f} s); CPU a command: bot {r['bot_ms']:.2f} ms, "
                    f"server {r['server_ms']:.2f} ms ({r['calls']} calls, "
                    f"{r['server_call_ms']:.2f} ms a call); the bot waited {r['wait_ms']:.2f} ms "
                    f"a command for a CPU and read {r['disk_kb']:.0f} KB a command from disk",
                    flush=True,
                )
        print(f"bot peak RSS {bot.peak_rss_mb():.0f} MB")
    finally:
        bot.stop()
        violations = server.violations
        server.stop()
    for phase, runs in results.items():
        if runs:
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(
                f"median of {len(runs)} {phase} runs: {med['per_s']:.0f} commands/s, latency "
                f"p50 {med['p50']:.0f} p95 {med['p95']:.0f} p99 {med['p99']:.0f} ms; CPU a "
                f"command: bot {med['bot_ms']:.2f} ms, server {med['server_ms']:.2f} ms "
                f"({med['server_call_ms']:.2f} ms a call)"
            )
    print(f"Bot API violations: {len(violations)}")
    for v in violations[:5]:
        print(f"  {v}")


if __name__ == "__main__":
    main()
