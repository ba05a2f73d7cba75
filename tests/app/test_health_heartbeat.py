"""``newsbot health``: a fresh heartbeat is healthy; a stale, missing or broken one is not."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.health import STALE_AFTER, check_heartbeat, write_heartbeat
from bot.health import _beat as beat
from tests.app.test_cli import newsbot
from tests.botapi.pytest_plugin import BOT_TOKEN
from tests.botapi.server import BotApiServer
from tests.conftest import polling_bot


def test_a_fresh_heartbeat_is_healthy(tmp_path: Path) -> None:
    path = tmp_path / "news.db.heartbeat"
    write_heartbeat(path, "polling", now=1000.0)
    healthy, line = check_heartbeat(path, now=1000.0 + STALE_AFTER - 1)
    assert healthy and line.startswith("ok: ") and "polling" in line
    assert not (tmp_path / "news.db.heartbeat.tmp").exists()


def test_a_stale_heartbeat_is_not(tmp_path: Path) -> None:
    path = tmp_path / "news.db.heartbeat"
    write_heartbeat(path, "webhook", now=1000.0)
    healthy, line = check_heartbeat(path, now=1000.0 + STALE_AFTER + 1)
    assert not healthy and line.startswith("stale: ")


def test_a_missing_or_broken_heartbeat_is_not(tmp_path: Path) -> None:
    path = tmp_path / "news.db.heartbeat"
    assert check_heartbeat(path)[0] is False
    path.write_text("{not json", encoding="utf-8")
    healthy, line = check_heartbeat(path)
    assert not healthy and "unreadable" in line


def test_the_command_exits_0_only_when_healthy(tmp_path: Path) -> None:
    assert newsbot("health", cwd=tmp_path).returncode == 1  # no bot ran here
    beat = tmp_path / "news.db.heartbeat"
    beat.write_text(json.dumps({"time": time.time(), "pid": 1, "mode": "polling"}))
    result = newsbot("health", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    beat.write_text(json.dumps({"time": time.time() - 3600, "pid": 1, "mode": "polling"}))
    result = newsbot("health", cwd=tmp_path)
    assert result.returncode == 1 and "stale" in result.stderr


async def test_the_job_beats_while_polling_and_not_once_polling_stopped(
    bot_api: BotApiServer, tmp_path: Path
) -> None:
    settings = Settings(
        api_base_url=bot_api.base_url, db_path=tmp_path / "news.db", seeds_dir=tmp_path / "none"
    )
    async with polling_bot(settings, BOT_TOKEN) as (_, application):
        await run_the_job(application)
        assert check_heartbeat(settings.heartbeat_path)[0]
        settings.heartbeat_path.unlink()
        await application.updater.stop()  # polling gave up: no more heartbeats
        try:
            await run_the_job(application)
            assert not settings.heartbeat_path.exists()
        finally:
            await application.updater.start_polling(poll_interval=0.0, timeout=1)


async def run_the_job(application: Application) -> None:
    """Run the heartbeat job once on the application's job queue, and wait until it ran."""
    ran = asyncio.Event()

    async def beat_once(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await beat(context)
        finally:
            ran.set()

    application.job_queue.run_once(beat_once, 0)
    await asyncio.wait_for(ran.wait(), timeout=10)
