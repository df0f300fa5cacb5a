"""An audit entry as a person reads it: what was sent, the value before → after, the engine's answer.

Text is shown as the text it is (never as a Python repr), yes/no for flags, a variable as its value
and type, a file by name, type, size and hash.
"""

from __future__ import annotations

import json
from typing import Any

from audit.models import AuditEntry

NOTHING = "none"


def details(entry: AuditEntry) -> list[tuple[str, str]]:
    """(label, text) lines for the entry's values, in the order a reader asks about them."""
    lines = [(_label(name), shown(value)) for name, value in (entry.parameters or {}).items()]
    old, new = entry.old_value, entry.new_value
    if old is not None and new is not None:
        lines.append(("Value", f"{shown(old)} → {shown(new)}"))
    elif new is not None:
        lines.append(("Value", f"{NOTHING} → {shown(new)}"))
    elif old is not None:
        lines.append(("Value before", shown(old)))
    lines += _answer(entry.engine_response)
    return lines


def _answer(response: Any) -> list[tuple[str, str]]:
    if response is None:
        return []
    if isinstance(response, dict) and "message" in response:
        said = [
            str(response[key]) for key in ("status", "type", "code") if response.get(key) not in (None, "")
        ]
        lines = [("Engine's answer", shown(response["message"]))]
        if said:
            lines.append(("Engine's error", ", ".join(said)))
        return lines
    if isinstance(response, dict):
        return [(f"Engine's answer: {_label(key)}", shown(value)) for key, value in response.items()]
    return [("Engine's answer", shown(response))]


def shown(value: Any) -> str:
    if value is None:
        return NOTHING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)
    if isinstance(value, dict) and "type" in value and ("value" in value or "filename" in value):
        return _typed(value)
    if isinstance(value, list) and all(not isinstance(item, dict | list) for item in value):
        return ", ".join(shown(item) for item in value) or NOTHING
    if isinstance(value, dict) and all(not isinstance(item, dict | list) for item in value.values()):
        return "; ".join(f"{_label(key)} {shown(item)}" for key, item in value.items()) or NOTHING
    # Deeper structures (a modification plan): JSON, which a reader of the engine's API knows.
    return json.dumps(value, ensure_ascii=False, indent=1)


def _typed(value: dict) -> str:
    """A variable as audit_value keeps it: {type, value} or a file's {type, filename, ...}."""
    kind = value.get("type", "")
    if "filename" in value:
        facts = [kind, value.get("mimetype") or ""]
        if value.get("size") is not None:
            facts.append(f"{value['size']:,} bytes")
        if value.get("sha256"):
            facts.append(f"sha256 {value['sha256'][:8]}…")
        return f"{value.get('filename') or 'unnamed'} ({', '.join(f for f in facts if f)})"
    text = NOTHING if value.get("value") is None else str(value["value"])
    if value.get("truncated"):
        text += "…"
    return f"{text} ({kind})"


def _label(name: str) -> str:
    return str(name).replace("_", " ")
