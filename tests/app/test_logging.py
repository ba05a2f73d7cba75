"""The token never reaches a log line, whoever logs it and however."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logging_setup import RedactTokenFilter, configure_logging

TOKEN = "987654:secret-part-of-the-token-abcdefghijkl"


@pytest.fixture(autouse=True)
def restore_root_logger() -> object:
    """configure_logging replaces the root handlers; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_url_with_the_token_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", TOKEN)
    logging.getLogger("httpx").warning(
        "HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe"
    )
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "bot<token>/getMe" in err


def test_token_in_an_exception_traceback_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", TOKEN)
    try:
        raise RuntimeError(f"failed to call https://api.telegram.org/bot{TOKEN}/x")
    except RuntimeError:
        logging.getLogger("bot").exception("handler failed")
    assert TOKEN not in capsys.readouterr().err


def test_anything_shaped_like_a_token_is_masked_even_if_unknown() -> None:
    other = "1234567890:" + "AbC-d_" * 6  # built here so no token-shaped literal is committed
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s", (other,), None)
    RedactTokenFilter(None).filter(record)
    assert other not in record.getMessage()


def test_json_lines_are_one_object_each_with_the_token_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", TOKEN, "json")
    logging.getLogger("httpx").warning("POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    try:
        raise RuntimeError(f"failed: https://api.telegram.org/bot{TOKEN}/x\nsecond line")
    except RuntimeError:
        logging.getLogger("bot").exception("handler failed")
    err = capsys.readouterr().err
    assert TOKEN not in err
    lines = err.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "WARNING" and first["logger"] == "httpx"
    assert first["message"] == "POST https://api.telegram.org/bot<token>/getMe"
    assert second["message"] == "handler failed"
    assert "RuntimeError" in second["exception"] and "second line" in second["exception"]
