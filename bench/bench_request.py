"""CPU a reply costs to send: ``Bot.send_message`` over HTTPXRequest and over LeanRequest.

Usage:
    .venv/bin/python bench/bench_request.py                 # 400 sends, 1 and 8 at a time
    .venv/bin/python bench/bench_request.py --sends 1000 --rounds 5

The Bot API server (``tests/botapi/server.py``, validating every call) runs in its own process
(``tests/botapi/serve.py``), so this process's CPU time is the client's alone: PTB building the
call and parsing the answer, plus the HTTP client. The two requests alternate, ``--rounds``
times each, sending a 2,000-character HTML reply with a button; prints CPU ms and wall ms per
send.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.request import BaseRequest, HTTPXRequest

from bot.lean_request import LeanRequest
from tests.botapi.pytest_plugin import BOT_TOKEN
from tests.botapi.serve import ServerProcess

CHAT = 100_001
TEXT = (
    "🗣 <b>Jane Doe</b>, <i>Minister of Energy</i>\n“We will not <b>back down</b> from this "
    "fight,” she said. 📰 A long enough headline · 2026-11-26 · Example News\n\n"
) * 12
MARKUP = InlineKeyboardMarkup([[InlineKeyboardButton("More (6)", callback_data="qs:1,2,3")]])


async def sends(bot: Bot, count: int, at_once: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per send for ``count`` sends, ``at_once`` in flight."""

    async def worker() -> None:
        for _ in range(count // at_once):
            await bot.send_message(
                CHAT,
                TEXT[:2000],
                parse_mode="HTML",
                reply_markup=MARKUP,
                disable_web_page_preview=True,
            )

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(at_once)))
    done = count // at_once * at_once
    return (time.process_time() - cpu) / done * 1000, (time.perf_counter() - wall) / done * 1000


async def run(args: argparse.Namespace) -> None:
    with ServerProcess(BOT_TOKEN, auto_create_chats=True) as server:
        requests: dict[str, BaseRequest] = {
            "HTTPXRequest": HTTPXRequest(256),
            "LeanRequest": LeanRequest(256),
        }
        bots = {
            name: Bot(BOT_TOKEN, base_url=server.base_url, request=request)
            for name, request in requests.items()
        }
        for bot in bots.values():
            await bot.initialize()
            await sends(bot, 20, 1)  # connections open, code warm
        try:
            for at_once in (1, 8):
                figures: dict[str, list[tuple[float, float]]] = {name: [] for name in bots}
                for _ in range(args.rounds):
                    for name, bot in bots.items():
                        figures[name].append(await sends(bot, args.sends, at_once))
                for name, runs in figures.items():
                    cpu = statistics.median(c for c, _ in runs)
                    wall = statistics.median(w for _, w in runs)
                    print(
                        f"{at_once} at a time, {name:12s}: CPU {cpu:.2f} ms a send, "
                        f"wall {wall:.2f} ms (median of {len(runs)})"
                    )
        finally:
            for bot in bots.values():
                await bot.shutdown()
        violations = server.get("violations")
        print(f"Bot API violations: {len(violations)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
