"""500 settings-button presses in 50 chats at once: how late is each press answered?

The real Application (rate limiter on) against the local Bot API server in this process.
Every chat opens /settings, then each of its 10 presses turns a page ("st:time" / "st:home").
Prints the median and the slowest time from a press reaching the server to its
answerCallbackQuery (Telegram shows a spinner until then and gives up after about 15 s).

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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.application import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.services import Services  # noqa: E402
from tests.botapi.server import DEFAULT_TOKEN, BotApiServer  # noqa: E402


async def run(chats: int, presses: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp, BotApiServer(DEFAULT_TOKEN) as server:
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
            for chat_id in ids:
                server.push_message(chat_id, "/settings")
            menus = {}
            for chat_id in ids:
                menus[chat_id] = (await server.wait_for(1, chat_id=chat_id, timeout=60))[0]
            pressed: dict[str, float] = {}
            for round_ in range(presses):
                data = "st:time" if round_ % 2 == 0 else "st:home"
                for chat_id in ids:
                    update = server.forge_button_press(chat_id, menus[chat_id].message_id, data)
                    pressed[update["callback_query"]["id"]] = time.monotonic()
            answered: dict[str, float] = {}
            deadline = time.monotonic() + 120
            while len(answered) < len(pressed) and time.monotonic() < deadline:
                for answer in server.callback_answers:
                    answered.setdefault(answer["callback_query_id"], time.monotonic())
                await asyncio.sleep(0.002)
            return [answered[q] - pressed[q] for q in pressed if q in answered]
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--presses", type=int, default=10)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    delays = asyncio.run(run(args.chats, args.presses))
    print(f"{'presses answered':>22}: {len(delays)} of {args.chats * args.presses}")
    print(f"{'median answer (s)':>22}: {statistics.median(delays):.3f}")
    print(f"{'slowest answer (s)':>22}: {max(delays):.3f}")


if __name__ == "__main__":
    main()
