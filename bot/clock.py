"""Moments as the store keeps them: UTC ISO-8601 text, read back as aware datetimes.

Shared by every table that records a time (subscriptions, deliveries, briefings), so none of
them imports another for it.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_iso(moment: datetime) -> str:
    """``moment`` in UTC, to the second: the form every timestamp column holds."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    """A stored timestamp as an aware datetime (a naive one is read as UTC)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
