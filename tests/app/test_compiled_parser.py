"""The mypyc-compiled parser runs only while it matches its sources (bot/compiled.py)."""

from __future__ import annotations

import importlib.machinery
import subprocess
import sys
from pathlib import Path

import pytest

import bot.parsing
from bot.compiled import is_fresh, prefer_fresh_code, sources_digest, write_stamp

REPO = Path(__file__).resolve().parents[2]
EXTENSION = importlib.machinery.EXTENSION_SUFFIXES[0]


def _package(tmp_path: Path, name: str) -> Path:
    """A package ``name`` whose module ``words`` exists as source and as a (broken) build."""
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "words.py").write_text("WHERE = 'source'\n")
    # not a real extension: importing it fails, so a test passes only if it is bypassed
    (package / ("words" + EXTENSION)).write_bytes(b"not an ELF file")
    return package


def _import_words(tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    """Import ``name.words`` in a fresh interpreter after prefer_fresh_code, as the parser does."""
    script = (
        "import sys; from pathlib import Path; from bot.compiled import prefer_fresh_code\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        f"print(prefer_fresh_code({name!r}, Path({str(tmp_path / name)!r})))\n"
        f"import {name}.words as w; print(w.WHERE)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )


def test_a_stale_build_is_bypassed_for_the_sources_with_a_warning(tmp_path: Path) -> None:
    package = _package(tmp_path, "stalepkg")
    write_stamp(package)
    (package / "words.py").write_text("WHERE = 'edited source'\n")  # edited after the build

    run = _import_words(tmp_path, "stalepkg")

    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["source", "edited source"]
    assert "older than their sources" in run.stderr
    assert "scripts/compile.sh" in run.stderr


def test_a_build_without_a_stamp_counts_as_stale(tmp_path: Path) -> None:
    _package(tmp_path, "nostamp")

    run = _import_words(tmp_path, "nostamp")

    assert run.returncode == 0, run.stderr
    assert run.stdout.split("\n")[:2] == ["source", "source"]


def test_a_fresh_build_is_used(tmp_path: Path) -> None:
    package = _package(tmp_path, "freshpkg")
    write_stamp(package)

    run = _import_words(tmp_path, "freshpkg")

    # the (broken) extension module is what Python tried to load: the build was chosen
    assert run.stdout.split("\n")[0] == "compiled"
    assert run.returncode != 0
    assert "ImportError" in run.stderr


def test_no_build_means_the_sources_and_no_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    package = tmp_path / "plain"
    package.mkdir()
    (package / "words.py").write_text("WHERE = 'source'\n")

    assert prefer_fresh_code("plain", package) == "source"
    assert not caplog.records


def test_the_digest_follows_every_compiled_source_but_not_the_package_init(
    tmp_path: Path,
) -> None:
    package = _package(tmp_path, "digest")
    write_stamp(package)
    assert is_fresh(package)

    (package / "__init__.py").write_text("# the __init__ is never compiled\n")
    assert is_fresh(package)

    before = sources_digest(package)
    (package / "more.py").write_text("X = 1\n")
    assert sources_digest(package) != before
    assert not is_fresh(package)


def test_the_parser_says_which_code_runs() -> None:
    parsing = Path(bot.parsing.__file__).parent
    compiled_now = any(parsing.glob("*" + EXTENSION)) and is_fresh(parsing)
    expected = "compiled" if compiled_now else "source"
    assert expected == bot.parsing.CODE
    spec = sys.modules["bot.parsing.pipeline"].__spec__
    assert spec is not None and spec.origin is not None
    assert spec.origin.endswith(EXTENSION if expected == "compiled" else ".py")
