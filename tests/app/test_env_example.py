""".env.example is the settings' documentation: it must name every setting and mean the defaults."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings, load_settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / ".env.example"
_SETTING = re.compile(r"\b(?:NEWSBOT|TELEGRAM|LOG)_[A-Z_]+\b")


def _read_by_the_bot() -> set[str]:
    """Every setting name the core and the handlers mention in their code."""
    names: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (REPO / folder).rglob("*.py"):
            names.update(_SETTING.findall(path.read_text(encoding="utf-8")))
    return names


def _documented() -> set[str]:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0].strip() for line in lines if re.match(r"[A-Z_]+=", line)}


def test_env_example_documents_every_setting_the_bot_reads() -> None:
    missing = _read_by_the_bot() - _documented()
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def test_env_example_names_no_setting_the_bot_does_not_read() -> None:
    unknown = _documented() - _read_by_the_bot()
    assert not unknown, f"the bot reads none of these: {sorted(unknown)}"


def test_env_example_copied_to_env_gives_the_defaults() -> None:
    assert load_settings(environ={}, env_file=EXAMPLE) == Settings()
