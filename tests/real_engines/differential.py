"""Comparing two engines' answers by shape: status, content type, keys, JSON types, date formats.

The data of the demo engine and of a real Camunda differ (ids, names, counts), so values are not
compared; what a client relies on is: which status a request gets, which keys an object has and
what JSON type each holds, how a date is written, what an error body carries. A date is typed by
its format (digits replaced by 9), so "2026-11-01T08:00:00.000+0000" and any other date written the
same way are one type, and a date written otherwise is a difference.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        if DATE.match(value):
            return "date " + re.sub(r"\d", "9", value)
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape(value: Any, path: str = "$") -> dict[str, set[str]]:
    """Every path in the value with the JSON types seen there; list items share the path "[]"."""
    found: dict[str, set[str]] = {path: {json_type(value)}}
    if isinstance(value, dict):
        for key, item in value.items():
            for sub, types in shape(item, f"{path}.{key}").items():
                found.setdefault(sub, set()).update(types)
    elif isinstance(value, list):
        for item in value:
            for sub, types in shape(item, f"{path}[]").items():
                found.setdefault(sub, set()).update(types)
    return found


def _compatible(ours: set[str], theirs: set[str]) -> bool:
    # null is data (an unset field, a running instance's end time), not a type of its own.
    ours, theirs = ours - {"null"}, theirs - {"null"}
    return not ours or not theirs or ours == theirs


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def differences(demo: httpx.Response, real: httpx.Response, *, keyed_by_name: bool = False) -> list[str]:
    """What a client would notice switching from the demo engine's answer to the real one's.

    A path the demo engine has and the real engine has not (or the other way round) counts only
    where the path's parent is there in both: an empty list on one side is data, not a difference.
    keyed_by_name: the top-level object's keys are names (variables by name), compared as one key.
    """
    found = []
    if demo.status_code != real.status_code:
        found.append(f"status {demo.status_code} != {real.status_code}")
        return found
    if _media_type(demo) != _media_type(real):
        found.append(f"content type {_media_type(demo)!r} != {_media_type(real)!r}")
    if "json" not in _media_type(real) or not real.content:
        return found
    demo_body, real_body = demo.json(), real.json()
    if real.is_error and error_type(demo) != error_type(real):
        found.append(f"error type {error_type(demo)!r} != {error_type(real)!r}")
    if keyed_by_name:
        demo_body, real_body = list(demo_body.values()), list(real_body.values())
    ours, theirs = shape(demo_body), shape(real_body)
    for path in sorted(set(ours) | set(theirs)):
        parent = re.sub(r"(\.[^.\[\]]+|\[\])$", "", path)
        if path not in ours:
            if parent in ours and "object" in ours[parent]:
                found.append(f"{path} missing in the demo engine ({_types(theirs[path])})")
        elif path not in theirs:
            if parent in theirs and "object" in theirs[parent]:
                found.append(f"{path} not in Camunda ({_types(ours[path])})")
        elif not _compatible(ours[path], theirs[path]):
            found.append(f"{path} is {_types(ours[path])} != {_types(theirs[path])}")
    return found


def _types(types: set[str]) -> str:
    return "|".join(sorted(types))


def error_type(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("type") if isinstance(body, dict) else None
