"""Settings from the environment and `.env`, checked once at start-up.

Every setting is documented in `.env.example`. A bad value stops the bot with one line that
names the setting; the bot token is never echoed anywhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from dotenv import dotenv_values

from bot.timezones import lookup

OFFICIAL_API_BASE_URL = "https://api.telegram.org/bot"
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}
_LOG_FORMATS = {"text", "json"}
# Telegram's own rule for setWebhook's secret_token.
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_WEBHOOK_URL_RE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
# What may stand in the User-Agent's "(+contact)": no spaces, parentheses or quotes.
_CONTACT_URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[^\s()<>\"\\]*)?$")
_CONTACT_EMAIL_RE = re.compile(
    r"^(mailto:)?[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
)


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it in one line."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated settings. ``token`` is hidden from ``repr`` so it cannot leak into logs."""

    token: str | None = field(default=None, repr=False)
    api_base_url: str = OFFICIAL_API_BASE_URL
    db_path: Path = Path("var/newsbot.db")
    seeds_dir: Path = Path("seeds")
    admins: frozenset[int] = frozenset()
    timezone: ZoneInfo = ZoneInfo("UTC")  # noqa: RUF009 - immutable, safe to share
    digest_time: time = time(8, 0)
    catchup_hours: float = 3.0
    #: Alerts about followed people one chat gets a day at most; the rest wait for the briefing.
    alerts_per_day: int = 10
    feed_interval_minutes: int = 30
    retention_days: int = 30
    max_page_bytes: int = 5 * 1024 * 1024
    block_private_addresses: bool = True
    contact: str | None = None  # URL or e-mail for site owners, in the User-Agent
    log_level: str = "INFO"
    log_format: str = "text"  # "json": one JSON object a line, for log collectors
    #: Telegram requests that failed transiently are retried after this, doubling up to the max.
    retry_backoff: float = 0.5
    retry_max_backoff: float = 8.0
    #: Where unexpected errors are forwarded (a chat id), rate-limited; None: only the log.
    error_chat: int | None = None
    #: Webhook mode when set: Telegram posts updates to this public URL instead of polling.
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080

    @property
    def webhook_path(self) -> str:
        """The path the local webhook server answers on: the public URL's own path."""
        url = self.webhook_url or ""
        return url.split("://", 1)[-1].partition("/")[2]

    @property
    def heartbeat_path(self) -> Path:
        """The file the running bot touches every few seconds (``newsbot health`` reads it)."""
        return self.db_path.with_name(self.db_path.name + ".heartbeat")

    @property
    def api_file_url(self) -> str:
        """File downloads live beside the method endpoint: ``.../bot`` -> ``.../file/bot``."""
        base = self.api_base_url.rstrip("/")
        head, _, tail = base.rpartition("/")
        return f"{head}/file/{tail}" if head else f"{base}/file"

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins


def parse_clock(value: str) -> time | None:
    """``8:00``/``08:00``/``20:30`` -> time; anything else -> None."""
    match = _TIME_RE.match(value.strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _default_zone(raw: str) -> ZoneInfo:
    """NEWSBOT_TIMEZONE as /subscribe reads a zone: an IANA name, a city or a country; a
    whole-hour UTC offset as its ``Etc/GMT`` zone. A name several zones share is refused."""
    found = lookup(raw)
    if found.zone is not None:
        if isinstance(found.zone.tzinfo, ZoneInfo):
            return found.zone.tzinfo
        offset = found.zone.tzinfo.utcoffset(None)
        hours, rest = divmod(int(offset.total_seconds()) if offset else 0, 3600)
        if not rest:
            return ZoneInfo(f"Etc/GMT{-hours:+d}" if hours else "UTC")
    elif found.choices and not found.guessed:
        options = "; ".join(f"{c.label}: {c.zone}" for c in found.choices)
        raise ConfigError(f"NEWSBOT_TIMEZONE {raw!r} is ambiguous; set one of {options}")
    raise ConfigError(
        "NEWSBOT_TIMEZONE must be an IANA zone such as Europe/Berlin, a city or a country, "
        f"got {raw!r}"
    )


def _positive_number(name: str, raw: str, kind: type[int] | type[float]) -> int | float:
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be greater than zero, got {raw!r}")
    return value


def _flag(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _contact(raw: str) -> str:
    if (_CONTACT_URL_RE.match(raw) or _CONTACT_EMAIL_RE.match(raw)) and raw.isascii():
        return raw
    raise ConfigError(f"NEWSBOT_CONTACT must be an http(s) URL or an e-mail address, got {raw!r}")


def _webhook(get: Callable[[str], str | None]) -> dict[str, object]:
    """The webhook settings, checked together: a URL needs a secret, a secret needs a URL."""
    url, secret = get("NEWSBOT_WEBHOOK_URL"), get("NEWSBOT_WEBHOOK_SECRET")
    found: dict[str, object] = {}
    if url is not None:
        if not _WEBHOOK_URL_RE.match(url):
            raise ConfigError(f"NEWSBOT_WEBHOOK_URL must be an http(s) URL, got {url!r}")
        if secret is None:
            raise ConfigError(
                "NEWSBOT_WEBHOOK_SECRET must be set with NEWSBOT_WEBHOOK_URL "
                "(1-256 characters: letters, digits, _ and -)"
            )
        found["webhook_url"] = url
    if secret is not None:
        if url is None:
            raise ConfigError("NEWSBOT_WEBHOOK_SECRET is set but NEWSBOT_WEBHOOK_URL is not")
        if not _WEBHOOK_SECRET_RE.match(secret):
            raise ConfigError(
                "NEWSBOT_WEBHOOK_SECRET must be 1-256 characters: letters, digits, _ and -"
            )
        found["webhook_secret"] = secret
    if (listen := get("NEWSBOT_WEBHOOK_LISTEN")) is not None:
        found["webhook_listen"] = listen
    if (port := get("NEWSBOT_WEBHOOK_PORT")) is not None:
        number = _positive_number("NEWSBOT_WEBHOOK_PORT", port, int)
        if number > 65535:
            raise ConfigError(f"NEWSBOT_WEBHOOK_PORT must be a port (1-65535), got {port!r}")
        found["webhook_port"] = number
    return found


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Read settings: real environment first, then `.env` (when present), then defaults."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        raw = values.get(name)
        return raw.strip() if raw is not None and raw.strip() != "" else None

    kwargs: dict[str, object] = {}
    token = get("TELEGRAM_BOT_TOKEN")
    if token is not None:
        if not _TOKEN_RE.match(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is malformed (expected <digits>:<secret> from @BotFather)"
            )
        kwargs["token"] = token
    if (url := get("TELEGRAM_API_BASE_URL")) is not None:
        if not re.match(r"^https?://[^\s/]+", url):
            raise ConfigError(f"TELEGRAM_API_BASE_URL must be an http(s) URL, got {url!r}")
        kwargs["api_base_url"] = url.rstrip("/")
    if (db := get("NEWSBOT_DB")) is not None:
        kwargs["db_path"] = Path(db)
    if (seeds := get("NEWSBOT_SEEDS")) is not None:
        kwargs["seeds_dir"] = Path(seeds)
    if (admins := get("NEWSBOT_ADMINS")) is not None:
        ids = [part.strip() for part in admins.split(",") if part.strip()]
        if not all(re.fullmatch(r"-?\d+", part) for part in ids):
            raise ConfigError(
                f"NEWSBOT_ADMINS must be comma-separated Telegram user ids, got {admins!r}"
            )
        kwargs["admins"] = frozenset(int(part) for part in ids)
    if (tz := get("NEWSBOT_TIMEZONE")) is not None:
        kwargs["timezone"] = _default_zone(tz)
    if (clock := get("NEWSBOT_DIGEST_TIME")) is not None:
        parsed = parse_clock(clock)
        if parsed is None:
            raise ConfigError(f"NEWSBOT_DIGEST_TIME must be HH:MM (24-hour), got {clock!r}")
        kwargs["digest_time"] = parsed
    numbers = {
        "NEWSBOT_CATCHUP_HOURS": ("catchup_hours", float),
        "NEWSBOT_ALERTS_PER_DAY": ("alerts_per_day", int),
        "NEWSBOT_FEED_INTERVAL_MINUTES": ("feed_interval_minutes", int),
        "NEWSBOT_RETENTION_DAYS": ("retention_days", int),
        "NEWSBOT_MAX_PAGE_BYTES": ("max_page_bytes", int),
        "NEWSBOT_RETRY_BACKOFF": ("retry_backoff", float),
        "NEWSBOT_RETRY_MAX_BACKOFF": ("retry_max_backoff", float),
    }
    for name, (attr, kind) in numbers.items():
        if (raw := get(name)) is not None:
            kwargs[attr] = _positive_number(name, raw, kind)
    if (raw := get("NEWSBOT_BLOCK_PRIVATE_ADDRESSES")) is not None:
        kwargs["block_private_addresses"] = _flag("NEWSBOT_BLOCK_PRIVATE_ADDRESSES", raw)
    if (contact := get("NEWSBOT_CONTACT")) is not None:
        kwargs["contact"] = _contact(contact)
    if (log_format := get("LOG_FORMAT")) is not None:
        if log_format.lower() not in _LOG_FORMATS:
            raise ConfigError(f"LOG_FORMAT must be text or json, got {log_format!r}")
        kwargs["log_format"] = log_format.lower()
    if (error_chat := get("NEWSBOT_ERROR_CHAT")) is not None:
        if not re.fullmatch(r"-?\d{1,20}", error_chat):
            raise ConfigError(f"NEWSBOT_ERROR_CHAT must be a Telegram chat id, got {error_chat!r}")
        kwargs["error_chat"] = int(error_chat)
    kwargs.update(_webhook(get))
    if (level := get("LOG_LEVEL")) is not None:
        if level.upper() not in _LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL must be one of {', '.join(sorted(_LOG_LEVELS))}")
        kwargs["log_level"] = level.upper()
    return Settings(**kwargs)  # type: ignore[arg-type]
