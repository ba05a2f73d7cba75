"""A real crash: ``newsbot run`` SIGKILLed in the middle of a ``/brief all`` fan-out.

The in-process restart tests cancel the workers politely; here the operating system ends the
process wherever it is (mid SQLite write, mid HTTP request), and a new process picks up from
the database alone.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest

from bot.store import Store
from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import REPO, SEEDS

ADMIN = 42
SUBSCRIBERS = list(range(7001, 7061))
#: Telegram (the local server) takes this long to answer each briefing, after delivering it.
ANSWER_DELAY = 0.4


def start_bot(server: BotApiServer, workdir: Path, log: Path) -> subprocess.Popen[bytes]:
    """``newsbot run`` exactly as a user starts it, pointed at the local server."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))},
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "NEWSBOT_DB": str(workdir / "news.db"),
        "NEWSBOT_SEEDS": str(SEEDS),
        "NEWSBOT_ADMINS": str(ADMIN),
        "PYTHONPATH": str(REPO),
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=out, stderr=out
        )


def wait(condition: object, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.01)


def admin_says(server: BotApiServer, text: str, count: int) -> list[str]:
    """Push ``text`` from the admin's chat; return the texts of the next ``count`` replies."""
    before = len(server.sent(ADMIN))
    server.push_message(ADMIN, text, user_id=ADMIN)
    replies = server.wait_for_sync(before + count, chat_id=ADMIN, timeout=15)
    return [r.text for r in replies[before : before + count]]


def delivered_counts(server: BotApiServer) -> dict[int, int]:
    return {chat_id: len(server.delivered(chat_id)) for chat_id in SUBSCRIBERS}


def statuses(db: Path) -> dict[int, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("select chat_id, status from deliveries").fetchall())


@pytest.fixture
def server() -> Iterator[BotApiServer]:
    server = BotApiServer(BOT_TOKEN).start()
    try:
        yield server
    finally:
        server.stop()


def test_sigkill_mid_brief_all_never_sends_twice_and_records_what_is_in_doubt(
    server: BotApiServer, tmp_path: Path
) -> None:
    """60 subscribers; the server delivers each briefing at once but answers 0.4 s later.

    Briefings are claimed, sent and recorded one at a time, and the SIGKILL comes as soon as
    five briefings have *arrived*. At that moment, by construction, the fifth chat has its
    briefing and the bot never heard back (the answer is 0.4 s late): its row is the only one
    still ``claimed``; the first four are ``sent``; the rest were never claimed.

    After the restart the ``claimed`` row becomes ``unconfirmed`` (it may or may not have
    arrived; the Bot API cannot say) and is never re-sent, and a second ``/brief all`` sends
    the never-claimed rest. So: nobody has two; one crash leaves exactly one briefing in
    doubt, and /stats counts it.
    """
    workdir, log = tmp_path, tmp_path / "bot.log"
    db = workdir / "news.db"
    now = datetime.now(UTC)
    store = Store.open(db)
    try:
        # Six hours away and subscribed as of now: no scheduled job or catch-up fires by itself.
        away = (now - timedelta(hours=6)).time().replace(second=0, microsecond=0)
        for chat_id in SUBSCRIBERS:
            store.subscriptions.subscribe(chat_id, clock_time(away.hour, away.minute), "UTC", now)
    finally:
        store.close()
    for chat_id in [ADMIN, *SUBSCRIBERS]:
        server.add_chat(chat_id)
    server.delay("sendMessage", ANSWER_DELAY)  # the admin's replies are slow too: harmless

    first = start_bot(server, workdir, log)
    try:
        wait(lambda: bool(server.commands()) or first.poll() is not None, "the first start")
        assert first.poll() is None, log.read_text()
        [started] = admin_says(server, "/brief all", 1)
        assert "60 subscriber(s)" in started
        # (once the bot has acknowledged the command, so the restart does not see it again)
        wait(
            lambda: sum(delivered_counts(server).values()) >= 5 and server.pending_updates == 0,
            "5 briefings",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=5)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill, rows_at_kill = delivered_counts(server), statuses(db)
    in_doubt_at_kill = {c for c, s in rows_at_kill.items() if s == "claimed"}
    assert 5 <= sum(at_kill.values()) < len(SUBSCRIBERS), "killed mid fan-out"
    assert len(in_doubt_at_kill) == 1, "one request in flight, so one briefing in doubt"

    server.clear_faults()  # a prompt Telegram after the restart
    second = start_bot(server, workdir, log)
    try:
        started, finished = admin_says(server, "/brief all", 2)
        assert f"{len(SUBSCRIBERS) - len(rows_at_kill)} subscriber(s)" in started
        assert "finished" in finished
        [stats] = admin_says(server, "/stats", 1)
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(timeout=10)
        except subprocess.TimeoutExpired:
            second.kill()

    counts, final = delivered_counts(server), statuses(db)
    assert max(counts.values()) == 1, "nobody gets two"
    assert {c for c, s in final.items() if s == "unconfirmed"} == in_doubt_at_kill
    assert all(final[c] == "unconfirmed" for c, n in counts.items() if n == 0)
    assert all(final[c] in ("sent", "unconfirmed") for c in SUBSCRIBERS)
    assert f"{len(in_doubt_at_kill)} unconfirmed" in stats
    # A request cut off mid-body by the kill can reach the server half-written.
    assert_no_violations(server, ignore=["is empty"])
