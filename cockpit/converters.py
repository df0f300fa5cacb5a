"""The path converter for engine ids and names in the dashboard's own URLs."""

from __future__ import annotations

from django.urls.converters import StringConverter


class EngineIdConverter(StringConverter):
    """One path segment, but never '.' or '..' (which '%2E' decodes to): no engine id is a dot
    segment, and such a URL answers 404 before any view asks an engine about it."""

    def to_python(self, value: str) -> str:
        if value in (".", ".."):
            raise ValueError("a dot segment names no engine object")
        return value
