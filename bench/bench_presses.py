"""500 settings-button presses in 50 chats at once: how late is each press answered?

The real Application (rate limiter on) against the local Bot API server in a process of its
own (``tests.botapi.serve``: in the bot's process its threads would share the bot's GIL), which
answers 429 past 30 messages a second, edits included. Every chat opens /settings, then each of
its 10 presses turns a page ("st:time" / "st:home"), all queued at once. Prints the median and
the slowest time from a press reaching the server to its answerCallbackQuery (Telegram shows a
spinner until then and gives up after about 15 s), then the edits sent, the 429s the server
answered, how many menus end on their last press's page, and the bot process's CPU seconds.

    .venv/bin/python -m bench.bench_presses [--chats 50] [--presses 10]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.application import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.redraws import redraws_of  # noqa: E402
from bot.services import Services  # noqa: E402
from tests.botapi.serve import ServerProcess  # noqa: E402
from tests.botapi.server import DEFAULT_TOKEN, SentMessage  # noqa: E402

#: Telegram's documented limit on messages per bot, as the server enforces it.
CAP = 30


@dataclass
class Result:
    delays: list[float]
    presses: int
    edits: int
    rate_limit_hits: int
    menus_in_last_state: int
    menus: int
    cpu_seconds: float


def press_all(
    server: ServerProcess, menus: dict[int, SentMessage], presses: int
) -> dict[str, float]:
    """Queue every press (from a thread, so the bot's event loop runs meanwhile)."""
    pressed: dict[str, float] = {}
    for round_ in range(presses):
        data = "st:time" if round_ % 2 == 0 else "st:home"
        for chat_id, menu in menus.items():
            at = time.time()  # the server's clock: it stamps the answers it records
            update = server.call("forge_button_press", chat_id, menu.message_id, data)
            pressed[update["callback_query"]["id"]] = at
    return pressed


async def answered_by(server: ServerProcess, count: int, timeout: float) -> dict[str, float]:
    """When the server received each press's answer, once ``count`` have come (or time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        calls = [c for c in server.call("calls_to", "answerCallbackQuery") if c.ok]
        if len(calls) >= count or time.monotonic() > deadline:
            return {c.params["callback_query_id"]: c.time for c in calls}
        await asyncio.sleep(0.05)


async def run(chats: int, presses: int) -> Result:
    server = ServerProcess(DEFAULT_TOKEN).start()
    try:
        return await _run(server, chats, presses)
    finally:
        server.stop()


async def _run(server: ServerProcess, chats: int, presses: int) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            api_base_url=server.base_url, db_path=Path(tmp) / "n.db", seeds_dir=REPO / "seeds"
        )
        services = Services.start(settings)
        app = build_application(services, token=DEFAULT_TOKEN)
        await app.initialize()
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            ids = list(range(3001, 3001 + chats))
            server.call("rate_limit", per_second=CAP)
            for chat_id in ids:
                server.call("push_message", chat_id, "/settings")
            menus: dict[int, SentMessage] = {}
            deadline = time.monotonic() + 60
            while len(menus) < chats and time.monotonic() < deadline:
                menus = {m.chat_id: m for m in server.call("sent")}
                await asyncio.sleep(0.05)
            cpu = time.process_time()
            pressed = await asyncio.to_thread(press_all, server, menus, presses)
            answered = await answered_by(server, len(pressed), timeout=120)
            await redraws_of(app).drain()
            cpu = time.process_time() - cpu
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            services.close()
    final: dict[int, SentMessage] = {}
    for message in server.call("sent"):
        final[message.chat_id] = message
    last_page = "st:time" if (presses - 1) % 2 == 0 else "st:home"
    shows = {"st:time": "When should your briefing arrive", "st:home": menus[ids[0]].text}
    return Result(
        delays=[answered[q] - pressed[q] for q in pressed if q in answered],
        presses=len(pressed),
        edits=len(server.call("calls_to", "editMessageText")),
        rate_limit_hits=server.get("rate_limit_hits"),
        menus_in_last_state=sum(1 for m in final.values() if shows[last_page] in m.text),
        menus=len(menus),
        cpu_seconds=cpu,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--presses", type=int, default=10)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args.chats, args.presses))
    delays = result.delays
    print(f"{'presses answered':>26}: {len(delays)} of {result.presses}")
    print(f"{'median answer (s)':>26}: {statistics.median(delays):.3f}")
    print(f"{'slowest answer (s)':>26}: {max(delays):.3f}")
    print(f"{'edits sent':>26}: {result.edits}")
    print(f"{'429s from the server':>26}: {result.rate_limit_hits}")
    print(f"{'menus on the last page':>26}: {result.menus_in_last_state} of {result.menus}")
    print(f"{'bot CPU s (presses on)':>26}: {result.cpu_seconds:.2f}")


if __name__ == "__main__":
    main()
