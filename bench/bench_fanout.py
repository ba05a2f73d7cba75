"""Fan out one morning briefing to 1,000 subscribers through the local Bot API server.

The server enforces Telegram's 30 messages/s (answering 429 beyond it) and 5% of the sends
fail transiently (429 with retry_after, 500 or 502). Prints elapsed time, effective messages/s
as a fraction of the cap, how many subscribers got none or more than one, and how often the
server itself answered 429 (the pacer overshooting the cap).

The server runs in its own process (``tests.botapi.serve``): sharing the bot's GIL, it saw
requests late and bunched, and answered 429 to sends the pacer had spaced correctly.

    .venv/bin/python -m bench.bench_fanout [--subscribers 1000] [--failure-rate 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.application import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.scheduling import deliverer  # noqa: E402
from bot.services import Services  # noqa: E402
from tests.botapi.serve import ServerProcess  # noqa: E402
from tests.botapi.server import DEFAULT_TOKEN  # noqa: E402

CAP = 30.0


def inject_failures(server: ServerProcess, chats: list[int], rate: float, seed: int) -> int:
    rng = random.Random(seed)
    failing = rng.sample(chats, round(len(chats) * rate))
    for chat_id in failing:
        code = rng.choice([429, 500, 502])
        server.call("fail_next", "sendMessage", chat_id=chat_id, error_code=code, retry_after=1)
    return len(failing)


async def run(subscribers: int, failure_rate: float, seed: int) -> dict[str, float]:
    server = ServerProcess(DEFAULT_TOKEN).start()
    try:
        return await _run(server, subscribers, failure_rate, seed)
    finally:
        server.stop()


async def _run(
    server: ServerProcess, subscribers: int, failure_rate: float, seed: int
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            api_base_url=server.base_url, db_path=Path(tmp) / "bench.db", seeds_dir=REPO / "seeds"
        )
        services = Services.start(settings)
        chats = list(range(100_001, 100_001 + subscribers))
        now = datetime.now(UTC)
        for chat_id in chats:
            server.call("add_chat", chat_id)
            services.store.subscriptions.subscribe(
                chat_id, settings.digest_time, "UTC", now - timedelta(days=2)
            )
        app = build_application(services, token=DEFAULT_TOKEN)
        await app.initialize()
        await app.post_init(app)  # no app.start(): the bench drives the one fan-out itself
        server.call("rate_limit", per_second=CAP)
        injected = inject_failures(server, chats, failure_rate, seed)
        day = now.date()
        started = time.monotonic()
        outcomes = await deliverer(app).fan_out((chat_id, day) for chat_id in chats)
        elapsed = time.monotonic() - started
        await deliverer(app).stop()
        await app.shutdown()
        services.close()
    delivered = server.call("delivered")
    per_chat: dict[int, int] = {}
    for message in delivered:
        per_chat[message.chat_id] = per_chat.get(message.chat_id, 0) + 1
    lost = sum(1 for chat_id in chats if per_chat.get(chat_id, 0) == 0)
    duplicated = sum(1 for n in per_chat.values() if n > 1)
    rate = len(per_chat) / elapsed
    return {
        "subscribers": subscribers,
        "injected_failures": injected,
        "server_rate_limit_429s": server.get("rate_limit_hits"),
        "outcomes": dict(outcomes),
        "elapsed_s": round(elapsed, 2),
        "msgs_per_s": round(rate, 2),
        "fraction_of_cap": round(rate / CAP, 3),
        "lost": lost,
        "duplicated": duplicated,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--failure-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    # An injected 502 answers with nginx's HTML page; PTB logs that loudly. Keep it quiet.
    logging.basicConfig(level=logging.CRITICAL)
    result = asyncio.run(run(args.subscribers, args.failure_rate, args.seed))
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    ok = result["fraction_of_cap"] >= 0.93 and result["lost"] == 0 and result["duplicated"] == 0
    print(f"{'target':>24}: {'met' if ok else 'MISSED'} (>= 0.93 of cap, 0 lost, 0 duplicated)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
