"""The newsbot command: ask, parse --json, ingest, the console, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS

SEED = SEEDS / "000_ebf8c23c351aad17.txt"


def newsbot(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    clean |= {
        "PYTHONPATH": str(REPO),
        "NEWSBOT_SEEDS": str(SEEDS),
        "NEWSBOT_DB": str(cwd / "news.db"),
    }
    clean |= env or {}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_falls_back_to_the_console_on_piped_input(tmp_path: Path) -> None:
    result = newsbot("run", stdin="/who said last ones to hang up\n", cwd=tmp_path)
    assert result.returncode == 0
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert result.stderr.count("TELEGRAM_BOT_TOKEN") == 1
    assert "Yuri Ushakov, aide to the President of Russia" in result.stdout
    assert "<b>" not in result.stdout  # HTML is rendered for the reader


def test_console_lists_buttons_and_a_number_presses_one(tmp_path: Path) -> None:
    result = newsbot("console", stdin="/topics\n1\n", cwd=tmp_path)
    assert result.returncode == 0
    assert "[1] " in result.stdout
    assert "article" in result.stdout.split("[1] ", 1)[1]


def test_ask_prints_one_reply(tmp_path: Path) -> None:
    result = newsbot("ask", "/quotes ushakov", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Yuri Ushakov")


def test_parse_json_follows_the_contract(tmp_path: Path) -> None:
    result = newsbot("parse", str(SEED), "--json", cwd=tmp_path)
    assert result.returncode == 0
    (line,) = result.stdout.splitlines()
    data = json.loads(line)
    assert data["id"] == SEED.stem
    assert set(data) >= {
        "id",
        "title",
        "date",
        "quotes",
        "people",
        "organisations",
        "places",
        "topics",
    }
    text = SEED.read_text(encoding="utf-8")
    for quote in data["quotes"]:
        assert set(quote) == {"start", "end", "text", "speaker", "speaker_role", "cue", "kind"}
        assert quote["kind"] in {"direct", "partial", "indirect"}
        assert text[quote["start"] : quote["end"]] == quote["text"]


def test_ingest_reports_bad_files_and_continues(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = newsbot("ingest", str(SEED), str(tmp_path / "bad.txt"), cwd=tmp_path)
    assert result.returncode == 0
    assert "1 added" in result.stdout
    assert "bad.txt" in result.stderr


def test_malformed_setting_is_one_line_naming_it(tmp_path: Path) -> None:
    result = newsbot("ask", "/help", env={"NEWSBOT_DIGEST_TIME": "25:99"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "NEWSBOT_DIGEST_TIME" in result.stderr


def test_corrupt_database_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "news.db").write_bytes(b"garbage" * 1000)
    result = newsbot("ask", "/help", cwd=tmp_path)
    assert result.returncode == 2
    assert "news.db" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_logs_to_its_log_and_a_number_is_a_press_only_after_buttons(
    tmp_path: Path,
) -> None:
    result = newsbot("console", stdin="/topics\n/help\n1\n/topics\n1\n", cwd=tmp_path)
    assert result.returncode == 0
    assert " INFO " not in result.stdout + result.stderr  # start-up lines went to the log
    assert (tmp_path / "console.log").read_text().strip()
    after_help = result.stdout.split("Commands", 1)[1]
    assert "I answer questions about the news" in after_help  # '1' was a message
    pressed = after_help.rsplit("Main topics", 1)[1]
    assert "🏷" in pressed and " article" in pressed  # after /topics, '1' pressed a button


def test_ctrl_d_in_the_interactive_console_ends_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import io

    from bot.config import Settings
    from bot.console import _run

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # end of input at the first prompt
    out = io.StringIO()
    settings = Settings(db_path=tmp_path / "news.db", seeds_dir=SEEDS)
    asyncio.run(_run(settings, None, out, interactive=True))
    assert out.getvalue().endswith("you> \n")


def test_parse_reads_a_transcript_only_with_the_transcripts_flag(tmp_path: Path) -> None:
    article = tmp_path / "interview.txt"
    article.write_text(
        "A talk with Dr Helen Marsh\n\nDr Helen Marsh has led the trust since 2019.\n\n"
        "Q: How bad are the waiting lists right now?\n\n"
        "A: They are the worst I have seen in my career.\n",
        encoding="utf-8",
    )
    plain = json.loads(newsbot("parse", str(article), "--json", cwd=tmp_path).stdout)
    read = json.loads(
        newsbot("parse", str(article), "--json", "--transcripts", cwd=tmp_path).stdout
    )
    assert [q["speaker"] for q in plain["quotes"] if q["kind"] == "direct"] == []
    assert [q["speaker"] for q in read["quotes"] if q["kind"] == "direct"] == [None, "Helen Marsh"]
