"""The end-to-end command mix in process: the real Application through the console request
class, no HTTP, so it measures the bot's own CPU per command (search, store, rendering, PTB).

Usage:
    .venv/bin/python bench/bench_inprocess.py                  # 1,000 commands, 100,000 articles
    .venv/bin/python bench/bench_inprocess.py --commands 600 --profile

Prints commands/s and CPU ms a command and, per command kind, its share of the CPU and
mean/p50/p95 ms (wall; the CPU mean beside it is what other load on the machine does not
inflate); ``--profile`` adds a cProfile.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_e2e import mixed_commands  # noqa: E402
from corpus import ensure_store  # noqa: E402

from bot.application import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.console import CONSOLE_TOKEN, ConsoleBotApi, ConsoleChat, console_settings  # noqa: E402
from bot.services import Services  # noqa: E402


async def run(args: argparse.Namespace) -> None:
    db = args.db or ensure_store(args.n)
    settings = Settings(db_path=db, seeds_dir=HERE.parent / "seeds")
    services = Services.start(console_settings(settings))
    commands = mixed_commands(services.store, args.commands, args.seed)
    api = ConsoleBotApi(io.StringIO())
    app = build_application(services, token=CONSOLE_TOKEN, request=api, rate_limit=False)
    await app.initialize()
    chat = ConsoleChat(app, api)
    services.search.wait_until_ready(60)
    for command in commands[:20]:  # warm caches
        await chat.send(command)
    kinds: dict[str, list[float]] = {}
    cpu: dict[str, float] = {}
    profile = cProfile.Profile() if args.profile else None
    started, started_cpu = time.perf_counter(), time.thread_time()
    if profile:
        profile.enable()
    for command in commands:
        t0, c0 = time.perf_counter(), time.thread_time()
        await chat.send(command)
        words = command.split()
        kind = " ".join(words[:2]) if command.startswith("/who") else words[0]
        kind += " <arg>" if len(words) > (2 if command.startswith("/who") else 1) else ""
        kinds.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        cpu[kind] = cpu.get(kind, 0.0) + (time.thread_time() - c0) * 1000
    if profile:
        profile.disable()
    elapsed = time.perf_counter() - started
    elapsed_cpu = time.thread_time() - started_cpu
    print(
        f"{len(commands) / elapsed:.0f} commands/s in process, "
        f"{elapsed / len(commands) * 1000:.2f} ms a command, "
        f"CPU {elapsed_cpu / len(commands) * 1000:.2f} ms a command"
    )
    for kind, samples in sorted(kinds.items(), key=lambda item: -cpu[item[0]]):
        samples.sort()
        print(
            f"  {kind:18s} n={len(samples):4d} CPU {cpu[kind] / elapsed_cpu / 10:4.1f}% "
            f"mean {cpu[kind] / len(samples):5.2f} ms; wall mean {statistics.mean(samples):6.2f} "
            f"p50 {samples[len(samples) // 2]:6.2f} p95 {samples[int(len(samples) * 0.95)]:6.2f} ms"
        )
    if profile:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--db", type=Path, help="use this store instead of bench/out/store-N.db")
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
