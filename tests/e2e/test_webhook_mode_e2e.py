"""Webhook mode end to end: `newsbot run` with NEWSBOT_WEBHOOK_URL, updates posted to it.

The bot runs as a real process against the local Bot API server, registers its webhook
(with the secret) instead of polling, and its own HTTP server (PTB's ``run_webhook``) takes
updates on loopback only when they carry the secret header, as Telegram sends it. The same
run logs as JSON (``LOG_FORMAT=json``) and keeps the heartbeat ``newsbot health`` reads.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.botapi.pytest_plugin import BOT_TOKEN, assert_no_violations
from tests.botapi.server import BotApiServer
from tests.conftest import REPO, SEEDS

SECRET = "webhook-secret_for-tests-0123"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class WebhookBot:
    server: BotApiServer
    process: subprocess.Popen[str]
    url: str
    env: dict[str, str]
    log: Path

    def post(self, update: dict, secret: str | None) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return httpx.post(
            self.url, json=update, headers=headers, timeout=10, trust_env=False
        ).status_code


def wait_until(condition, what: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebhookBot]:
    server = BotApiServer(BOT_TOKEN).start()
    workdir = tmp_path_factory.mktemp("webhook")
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))},
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "NEWSBOT_DB": str(workdir / "news.db"),
        "NEWSBOT_SEEDS": str(SEEDS),
        "NEWSBOT_WEBHOOK_URL": url,
        "NEWSBOT_WEBHOOK_SECRET": SECRET,
        "NEWSBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "NEWSBOT_WEBHOOK_PORT": str(port),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "DEBUG",
        "PYTHONPATH": str(REPO),
    }
    log = workdir / "bot.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=out, stderr=out
        )
    running = WebhookBot(server, process, url, env, log)
    try:
        wait_until(
            lambda: server.calls_to("setWebhook") or process.poll() is not None, "setWebhook"
        )
        assert process.poll() is None, log.read_text()

        def listening() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        wait_until(listening, "the webhook server")
        yield running
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        server.stop()


def test_the_bot_registers_its_webhook_with_the_secret_and_does_not_poll(bot: WebhookBot) -> None:
    (call,) = bot.server.calls_to("setWebhook")
    assert call.params["url"] == bot.url
    assert call.params["secret_token"] == SECRET
    assert not bot.server.calls_to("getUpdates")


def test_an_update_with_the_secret_is_answered(bot: WebhookBot) -> None:
    update = bot.server.push_message(7001, "/who said last ones to hang up")
    assert bot.post(update, SECRET) == 200
    (reply,) = bot.server.wait_for_sync(1, chat_id=7001, timeout=15)
    assert "Yuri Ushakov" in reply.text
    assert_no_violations(bot.server)


def test_updates_with_a_wrong_or_no_secret_are_refused_and_change_nothing(
    bot: WebhookBot,
) -> None:
    forged = bot.server.push_message(7002, "/subscribe 07:00")
    assert bot.post(forged, "not-the-secret") == 403
    assert bot.post(forged, None) == 403
    # A real update from another chat afterwards is answered; the forged one never was.
    real = bot.server.push_message(7003, "/help")
    assert bot.post(real, SECRET) == 200
    bot.server.wait_for_sync(1, chat_id=7003, timeout=15)
    assert bot.server.sent(7002) == []


def test_newsbot_health_reads_the_running_bots_heartbeat(bot: WebhookBot, tmp_path: Path) -> None:
    heartbeat = Path(bot.env["NEWSBOT_DB"] + ".heartbeat")
    wait_until(heartbeat.exists, "the first heartbeat")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        env=bot.env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ") and "webhook" in result.stdout


def test_json_logs_are_one_object_a_line_without_the_token(bot: WebhookBot) -> None:
    lines = [line for line in bot.log.read_text().splitlines() if line.strip()]
    assert lines
    records = [json.loads(line) for line in lines]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    assert any("webhook mode" in record["message"] for record in records)
    assert BOT_TOKEN not in bot.log.read_text()
