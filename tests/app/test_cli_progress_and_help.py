"""The command line tells where it is: --version, every command in --help, ingest progress.

``newsbot ingest`` shows a bar when stderr is a terminal (a real pseudo-terminal here) and
plain lines otherwise; either way each skipped file is reported exactly once.
"""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from bot import __version__
from bot.cli import COMMANDS
from bot.progress import PLAIN_EVERY, FileProgress
from tests.app.test_cli import newsbot
from tests.conftest import REPO, SEEDS


def test_version_is_the_package_version(tmp_path: Path) -> None:
    result = newsbot("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"newsbot {__version__}"


def test_help_lists_every_command_with_one_line(tmp_path: Path) -> None:
    result = newsbot("--help", cwd=tmp_path)
    assert result.returncode == 0
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    for command in COMMANDS:
        assert command in lines, command
        assert len(lines[command].split()) > 2, lines[command]  # a description beside it


def _bad_files(folder: Path) -> list[str]:
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "empty.md").write_text("   \n", encoding="utf-8")
    return [str(folder / "binary.txt"), str(folder / "empty.md"), str(folder / "missing.txt")]


def test_ingest_without_a_terminal_reports_each_skipped_file_once(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)
    result = newsbot("ingest", str(SEEDS), *bad, cwd=tmp_path)
    assert result.returncode == 0
    for name in bad:
        assert result.stderr.count(name) == 1, result.stderr
    assert "\r" not in result.stderr  # no bar drawn into a file or pipe
    assert result.stdout.strip().endswith("3 failed")


def test_ingest_on_a_terminal_draws_a_bar_and_reports_each_skipped_file_once(
    tmp_path: Path,
) -> None:
    bad = _bad_files(tmp_path)
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "NEWSBOT_"))}
    env |= {"PYTHONPATH": str(REPO), "NEWSBOT_DB": str(tmp_path / "news.db")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ingest", str(SEEDS), *bad],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
    )
    os.close(terminal)
    screen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the other side closed: the process is done with its terminal
            break
        if not chunk:
            break
        screen += chunk
    stdout, _ = process.communicate(timeout=60)
    os.close(controller)
    text = screen.decode("utf-8", "replace")
    assert process.returncode == 0
    assert "100%" in text and "file" in text
    for name in bad:
        assert text.count(name) == 1, text
    assert stdout.strip().endswith("3 failed")


def test_plain_progress_prints_a_line_every_few_hundred_files() -> None:
    stream = io.StringIO()
    total = PLAIN_EVERY * 2 + 7
    progress = FileProgress(total, stream)
    for index in range(total):
        progress(f"file{index}.txt", "the file is empty" if index == 3 else None)
    progress.close()
    assert stream.getvalue().splitlines() == [
        "skipped file3.txt: the file is empty",
        f"{PLAIN_EVERY}/{total} files",
        f"{PLAIN_EVERY * 2}/{total} files",
    ]
