"""Flowable's variable representation ({"name", "type", "value", "scope", "valueUrl"}) to the domain's
TypedValue and back.

Flowable spells its types in lower case (string, integer, short, long, double, boolean, date, json,
binary, serializable) and sends null with no type at all. Dates are ISO 8601 text ("...Z"); a json
value is the JSON itself, not its text; binary and serializable values come as a valueUrl only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from engines.variables import TypedValue, VariableType, VariableValueError

# Flowable's type names, both ways; serializable (a Java-serialized object) is read only.
TYPES: dict[str, VariableType] = {
    "string": VariableType.STRING,
    "integer": VariableType.INTEGER,
    "short": VariableType.SHORT,
    "long": VariableType.LONG,
    "double": VariableType.DOUBLE,
    "boolean": VariableType.BOOLEAN,
    "date": VariableType.DATE,
    "json": VariableType.JSON,
    "binary": VariableType.BYTES,
    "serializable": VariableType.OBJECT,
    "null": VariableType.NULL,
}
NAMES: dict[VariableType, str] = {kind: name for name, kind in TYPES.items()}

# What the dashboard may send to Flowable (binary only by upload, see FlowableClient.set_variable_data).
WRITABLE = frozenset(TYPES.values()) - {VariableType.OBJECT}

_SERIALIZED = "a Java-serialized object: Flowable serves only its bytes, which the dashboard cannot read"


def format_date(moment: datetime) -> str:
    """A moment as Flowable reads it: ISO 8601 in UTC with milliseconds (naive taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_date(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _unreadable(raw_type: Any, value: Any, reason: str) -> TypedValue:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    known = TYPES.get(raw_type) if isinstance(raw_type, str) else None
    return TypedValue(
        known or VariableType.STRING, text, unreadable=reason, type_name="" if known else str(raw_type)
    )


def decode(raw: Any) -> TypedValue:
    """One Flowable variable as a TypedValue; what does not fit its type comes back unreadable."""
    if not isinstance(raw, dict):
        return _unreadable("?", raw, "the engine sent no variable here")
    raw_type = raw.get("type")
    value = raw.get("value")
    if raw_type is None:
        if value is None:
            return TypedValue(VariableType.NULL, None)
        return _unreadable("?", value, "the engine sent a value without a type")
    kind = TYPES.get(raw_type) if isinstance(raw_type, str) else None
    if kind is None:
        return _unreadable(raw_type, value, f"the type {raw_type!r} is not one the dashboard knows")
    if kind == VariableType.OBJECT:
        return TypedValue(kind, None, unreadable=_SERIALIZED)
    if kind == VariableType.BYTES or value is None:
        # Binary content lives behind the variable's data endpoint.
        return TypedValue(kind, None)
    try:
        return TypedValue(kind, _decode_value(kind, value))
    except (ValueError, TypeError) as error:
        return _unreadable(raw_type, value, f"not a {kind} value: {error}")


def _decode_value(kind: VariableType, value: Any) -> Any:
    if kind in (VariableType.INTEGER, VariableType.SHORT, VariableType.LONG):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("not a whole number")
        return value
    if kind == VariableType.DOUBLE:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("not a number")
        return float(value)
    if kind == VariableType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("neither true nor false")
        return value
    if kind == VariableType.DATE:
        if not isinstance(value, str):
            raise ValueError("a date is sent as text")
        return parse_date(value)
    if kind == VariableType.JSON:
        # The domain keeps Json as its text.
        return json.dumps(value)
    if not isinstance(value, str):
        raise ValueError("a string is sent as text")
    return value


def encode(name: str, typed: TypedValue, *, local: bool = False) -> dict[str, Any]:
    """A TypedValue as Flowable's RestVariable; local puts it on the execution itself."""
    if typed.unreadable:
        raise VariableValueError("a value the dashboard could not read is never sent back")
    if typed.type not in WRITABLE or typed.type == VariableType.BYTES:
        raise VariableValueError(f"Flowable has no {typed.type} variables the dashboard can write")
    body: dict[str, Any] = {"name": name}
    if local:
        body["scope"] = "local"
    if typed.type == VariableType.NULL or typed.value is None:
        # Flowable keeps a null without a type.
        body["value"] = None
        return body
    value = typed.value
    if typed.type == VariableType.DATE:
        value = format_date(value)
    elif typed.type == VariableType.JSON:
        value = json.loads(value)
    body["type"] = NAMES[typed.type]
    body["value"] = value
    return body
