"""The engine's date format, yyyy-MM-dd'T'HH:mm:ss.SSSZ (for example 2026-11-22T09:30:00.000+0100).

It is the format the dashboard writes its own dates in (engines.variables.date_text), so the
adapter names that one rather than spelling it a second time.
"""

from __future__ import annotations

from engines.variables import date_text as format_engine_date
from engines.variables import parse_date_text as parse_engine_date

__all__ = ["format_engine_date", "parse_engine_date"]
