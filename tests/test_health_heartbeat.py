"""``newsbot health``: a fresh heartbeat is healthy; a stale, missing or broken one is not."""

from __future__ import annotations

import json
import time
from pathlib import Path

from bot.health import STALE_AFTER, check_heartbeat, write_heartbeat
from tests.test_cli import newsbot


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
