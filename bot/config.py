"""Settings from the environment and `.env`, checked once at start-up.

Every setting is documented in `.env.example`. A bad value stops the bot with one line that
names the setting; the bot token is never echoed anywhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
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
    feed_interval_minutes: int = 30
    retention_days: int = 30
    max_page_bytes: int = 5 * 1024 * 1024
    block_private_addresses: bool = True
    contact: str | None = None  # URL or e-mail for site owners, in the User-Agent
    log_level: str = "INFO"

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
        "NEWSBOT_FEED_INTERVAL_MINUTES": ("feed_interval_minutes", int),
        "NEWSBOT_RETENTION_DAYS": ("retention_days", int),
        "NEWSBOT_MAX_PAGE_BYTES": ("max_page_bytes", int),
    }
    for name, (attr, kind) in numbers.items():
        if (raw := get(name)) is not None:
            kwargs[attr] = _positive_number(name, raw, kind)
    if (raw := get("NEWSBOT_BLOCK_PRIVATE_ADDRESSES")) is not None:
        kwargs["block_private_addresses"] = _flag("NEWSBOT_BLOCK_PRIVATE_ADDRESSES", raw)
    if (contact := get("NEWSBOT_CONTACT")) is not None:
        kwargs["contact"] = _contact(contact)
    if (level := get("LOG_LEVEL")) is not None:
        if level.upper() not in _LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL must be one of {', '.join(sorted(_LOG_LEVELS))}")
        kwargs["log_level"] = level.upper()
    return Settings(**kwargs)  # type: ignore[arg-type]
