"""Settings: defaults, every variable, and one-line errors that name the setting."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import OFFICIAL_API_BASE_URL, ConfigError, load_settings

TOKEN = "123456:fake-token-for-config-tests-only"


def test_defaults_without_any_setting() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.token is None
    assert settings.api_base_url == OFFICIAL_API_BASE_URL
    assert settings.digest_time == time(8, 0)
    assert settings.admins == frozenset()


def test_every_variable_is_read() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot/",
            "NEWSBOT_DB": "x/news.db",
            "NEWSBOT_SEEDS": "articles",
            "NEWSBOT_ADMINS": "1, 22,333",
            "NEWSBOT_TIMEZONE": "Europe/Berlin",
            "NEWSBOT_DIGEST_TIME": "7:30",
            "NEWSBOT_CATCHUP_HOURS": "1.5",
            "NEWSBOT_CONTACT": "https://example.org/newsbot",
            "LOG_LEVEL": "debug",
        },
        env_file=None,
    )
    assert settings.token == TOKEN
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.api_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.db_path == Path("x/news.db")
    assert settings.admins == {1, 22, 333}
    assert str(settings.timezone) == "Europe/Berlin"
    assert settings.digest_time == time(7, 30)
    assert settings.catchup_hours == 1.5
    assert settings.contact == "https://example.org/newsbot"
    assert settings.log_level == "DEBUG"


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("NEWSBOT_TIMEZONE=Asia/Tokyo\nNEWSBOT_DIGEST_TIME=06:15\n")
    settings = load_settings({"NEWSBOT_DIGEST_TIME": "09:00"}, env_file=env)
    assert str(settings.timezone) == "Asia/Tokyo"
    assert settings.digest_time == time(9, 0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEWSBOT_TIMEZONE", "Mars/Olympus"),
        ("NEWSBOT_DIGEST_TIME", "25:00"),
        ("NEWSBOT_DIGEST_TIME", "8pm"),
        ("NEWSBOT_ADMINS", "alice,bob"),
        ("NEWSBOT_CATCHUP_HOURS", "-1"),
        ("LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_BASE_URL", "ftp://example"),
        ("NEWSBOT_CONTACT", "call me maybe"),
        ("NEWSBOT_CONTACT", "ftp://example.org"),
        ("NEWSBOT_CONTACT", "https://example.org/a (b)"),
        ("NEWSBOT_CONTACT", "ops@localhost"),
    ],
)
def test_malformed_setting_names_itself(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({name: value}, env_file=None)
    assert name in str(error.value)
    assert "\n" not in str(error.value)


def test_malformed_token_is_rejected_without_echoing_it() -> None:
    secret = "12345:short-secret"
    with pytest.raises(ConfigError) as error:
        load_settings({"TELEGRAM_BOT_TOKEN": secret}, env_file=None)
    assert "TELEGRAM_BOT_TOKEN" in str(error.value)
    assert secret not in str(error.value)


def test_token_is_not_in_repr() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, env_file=None)
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(
    "contact", ["https://example.org/bot", "http://news.example:8080", "ops@example.org"]
)
def test_contact_is_a_url_or_an_email_address(contact: str) -> None:
    assert load_settings({"NEWSBOT_CONTACT": contact}, env_file=None).contact == contact
    assert load_settings({}, env_file=None).contact is None


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("nairobi", "Africa/Nairobi"),
        ("San José, Costa Rica", "America/Costa_Rica"),
        ("germany", "Europe/Berlin"),
        ("UTC+3", "Etc/GMT-3"),
        ("utc", "UTC"),
    ],
)
def test_the_default_timezone_takes_the_names_subscribe_takes(value: str, zone: str) -> None:
    assert str(load_settings({"NEWSBOT_TIMEZONE": value}, env_file=None).timezone) == zone


@pytest.mark.parametrize(("value", "expected"), [("london", "America/Toronto"), ("berln", "IANA")])
def test_an_ambiguous_or_misspelt_default_timezone_is_refused(value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"NEWSBOT_TIMEZONE": value}, env_file=None)
    assert "NEWSBOT_TIMEZONE" in str(error.value) and expected in str(error.value)
