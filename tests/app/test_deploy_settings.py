"""Settings for deploying: webhook mode, JSON logs, the error chat; each bad value is one line."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

URL = "https://bot.example.org/telegram/updates"
SECRET = "a-long_secret-0123456789"


def test_polling_is_the_default_and_text_logs() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.webhook_url is None
    assert settings.log_format == "text"
    assert settings.error_chat is None


def test_webhook_settings_are_read_and_the_secret_stays_out_of_repr() -> None:
    settings = load_settings(
        {
            "NEWSBOT_WEBHOOK_URL": URL,
            "NEWSBOT_WEBHOOK_SECRET": SECRET,
            "NEWSBOT_WEBHOOK_LISTEN": "0.0.0.0",
            "NEWSBOT_WEBHOOK_PORT": "8443",
        },
        env_file=None,
    )
    assert (settings.webhook_url, settings.webhook_secret) == (URL, SECRET)
    assert (settings.webhook_listen, settings.webhook_port) == ("0.0.0.0", 8443)
    assert settings.webhook_path == "telegram/updates"
    assert SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"NEWSBOT_WEBHOOK_URL": URL}, "NEWSBOT_WEBHOOK_SECRET"),
        ({"NEWSBOT_WEBHOOK_SECRET": SECRET}, "NEWSBOT_WEBHOOK_URL"),
        ({"NEWSBOT_WEBHOOK_URL": "bot.example.org", "NEWSBOT_WEBHOOK_SECRET": SECRET}, "URL"),
        ({"NEWSBOT_WEBHOOK_URL": URL, "NEWSBOT_WEBHOOK_SECRET": "has spaces"}, "SECRET"),
        ({"NEWSBOT_WEBHOOK_URL": URL, "NEWSBOT_WEBHOOK_SECRET": "x" * 257}, "SECRET"),
        (
            {
                "NEWSBOT_WEBHOOK_URL": URL,
                "NEWSBOT_WEBHOOK_SECRET": SECRET,
                "NEWSBOT_WEBHOOK_PORT": "70000",
            },
            "NEWSBOT_WEBHOOK_PORT",
        ),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"NEWSBOT_ERROR_CHAT": "@admins"}, "NEWSBOT_ERROR_CHAT"),
    ],
)
def test_a_bad_deploy_setting_is_one_line_naming_it(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(environ, env_file=None)
    message = str(raised.value)
    assert named in message and "\n" not in message
    assert SECRET not in message


def test_json_logs_and_an_error_chat() -> None:
    settings = load_settings({"LOG_FORMAT": "JSON", "NEWSBOT_ERROR_CHAT": "-1001234"}, None)
    assert settings.log_format == "json"
    assert settings.error_chat == -1001234
