"""``newsbot run`` as a process: start-up through failures, a rejected token, stopping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest

from bot.store import Store
from tests.botapi.pytest_plugin import BOT_TOKEN
from tests.botapi.server import BotApiServer
from tests.conftest import REPO, SEEDS
from tests.faults.conftest import ADMIN, Tally

USER = 321
#: Well-formed, but not the token the server knows: it answers 401, as Telegram does.
REVOKED = "987654321:revoked-test-token-not-a-real-one-xx"


def start_bot(server: BotApiServer, workdir: Path, log: Path, token: str = BOT_TOKEN):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))},
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "NEWSBOT_DB": str(workdir / "news.db"),
        "NEWSBOT_SEEDS": str(SEEDS),
        "NEWSBOT_ADMINS": str(ADMIN),
        "NEWSBOT_RETRY_BACKOFF": "0.02",
        "NEWSBOT_RETRY_MAX_BACKOFF": "0.1",
        "PYTHONPATH": str(REPO),
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=out,
        )


def wait(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def bot_process() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)


def test_a_rejected_token_ends_the_bot_with_one_masked_line(
    faulty_api: BotApiServer, tmp_path: Path, tally: Tally, bot_process: list
) -> None:
    log = tmp_path / "bot.log"
    bot_process.append(process := start_bot(faulty_api, tmp_path, log, token=REVOKED))
    assert process.wait(timeout=30) == 2
    output = log.read_text()
    secret = REVOKED.split(":", 1)[1]
    assert secret not in output and REVOKED not in output
    assert "Traceback" not in output
    problems = [line for line in output.splitlines() if " ERROR " in line or "CRITICAL" in line]
    assert len(problems) == 1 and "rejected the bot token" in problems[0], output
    tally.count(faulty_api, inputs=1, lost=0, duplicated=0)


def test_start_up_rides_out_5xx_and_resets_on_every_start_up_call(
    faulty_api: BotApiServer, tmp_path: Path, tally: Tally, bot_process: list
) -> None:
    faulty_api.fail_next("getMe", error_code=502, times=2)
    faulty_api.reset_next("getMe")
    faulty_api.fail_next("deleteWebhook", error_code=500, times=2)
    faulty_api.reset_next("setMyCommands")
    faulty_api.fail_next("setMyCommands", error_code=503, times=2)
    log = tmp_path / "bot.log"
    bot_process.append(process := start_bot(faulty_api, tmp_path, log))
    wait(lambda: bool(faulty_api.commands()) or process.poll() is not None, "the command menu")
    assert process.poll() is None, log.read_text()
    faulty_api.push_message(USER, "/help")
    faulty_api.wait_for_sync(1, chat_id=USER, timeout=15)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert BOT_TOKEN not in log.read_text()
    tally.count(faulty_api, inputs=4, lost=0, duplicated=0)


def test_a_401_on_get_updates_ends_the_process_non_zero(
    faulty_api: BotApiServer, tmp_path: Path, tally: Tally, bot_process: list
) -> None:
    log = tmp_path / "bot.log"
    bot_process.append(process := start_bot(faulty_api, tmp_path, log))
    wait(lambda: bool(faulty_api.commands()) or process.poll() is not None, "the command menu")
    faulty_api.fail_next("getUpdates", error_code=401, description="Unauthorized")
    assert process.wait(timeout=30) == 2, log.read_text()
    output = log.read_text()
    assert "rejected the bot token" in output and BOT_TOKEN not in output
    tally.count(faulty_api, inputs=1, lost=0, duplicated=0)


def test_sigint_stops_the_bot_while_a_reply_and_a_briefing_wait_out_a_long_retry_after(
    faulty_api: BotApiServer, tmp_path: Path, tally: Tally, bot_process: list
) -> None:
    subscriber = 4321
    now = datetime.now(UTC)
    later = (now + timedelta(hours=6)).time()
    store = Store.open(tmp_path / "news.db")
    try:
        store.subscriptions.subscribe(subscriber, clock_time(later.hour, later.minute), "UTC", now)
    finally:
        store.close()
    for chat_id in (ADMIN, subscriber):
        faulty_api.add_chat(chat_id)
    faulty_api.fail_next("sendMessage", chat_id=USER, error_code=429, retry_after=120)
    faulty_api.fail_next("sendMessage", chat_id=subscriber, error_code=429, retry_after=120)
    log = tmp_path / "bot.log"
    bot_process.append(process := start_bot(faulty_api, tmp_path, log))
    wait(lambda: bool(faulty_api.commands()) or process.poll() is not None, "the command menu")
    faulty_api.push_message(USER, "/help")
    faulty_api.push_message(ADMIN, "/brief all", user_id=ADMIN)
    wait(
        lambda: len([c for c in faulty_api.calls_to("sendMessage") if c.injected]) == 2,
        "the reply and the briefing to be told to wait two minutes",
    )
    process.send_signal(signal.SIGINT)
    # Well within the two minutes both were told to wait.
    assert process.wait(timeout=10) == 0, log.read_text()
    # The briefing's row is left "failed": the next start sends it. The reply is dropped.
    tally.count(faulty_api, inputs=2, lost=0, duplicated=0, abandoned=1)
