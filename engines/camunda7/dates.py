"""The engine's date format, yyyy-MM-dd'T'HH:mm:ss.SSSZ (for example 2026-11-22T09:30:00.000+0100)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_ENGINE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$")


def format_engine_date(moment: datetime) -> str:
    """Naive datetimes are taken as UTC: the dashboard stores and shows aware times."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


def parse_engine_date(text: str) -> datetime:
    """Parse the engine's exact format; raises ValueError naming the expected shape."""
    if not isinstance(text, str) or not _ENGINE_DATE.match(text):
        raise ValueError(
            f"{text!r} is not a date in the engine's format yyyy-MM-dd'T'HH:mm:ss.SSSZ "
            "(for example 2026-11-22T09:30:00.000+0100)"
        )
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
