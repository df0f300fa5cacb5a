"""Camunda's VariableValueDto: {"type", "value", "valueInfo"}, to TypedValue and back.

Type names are Camunda's (capitalised Java names; requests may spell them in any case); a Date is
the engine's date text, binary content Base64.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from engines.camunda7.dates import format_engine_date, parse_engine_date
from engines.variables import TypedValue, VariableType, VariableValueError, raw_text, variable_type

# How Camunda spells each type (the dashboard's names are Camunda's own).
TYPE_NAMES = {kind: kind.value for kind in VariableType}


def _unreadable(
    kind: VariableType | None, raw_type: Any, value: Any, info: dict[str, Any], reason: str
) -> TypedValue:
    return TypedValue(
        kind or VariableType.STRING,
        raw_text(value),
        info,
        unreadable=reason,
        type_name="" if kind else raw_text(raw_type),
    )


def decode(dto: Any) -> TypedValue:
    """A VariableValueDto ({"type", "value", "valueInfo"}) as a TypedValue; what does not
    fit its type comes back unreadable (raw text) instead of raising."""
    if not isinstance(dto, dict):
        return _unreadable(None, "?", dto, {}, "the engine sent no variable value here")
    raw_type = dto.get("type") or "Null"
    value = dto.get("value")
    raw_info = dto.get("valueInfo")
    info = dict(raw_info) if isinstance(raw_info, dict) else {}
    try:
        kind = variable_type(raw_type)
    except VariableValueError:
        return _unreadable(
            None, raw_type, value, info, f"the type {raw_text(raw_type)} is not one the dashboard knows"
        )
    if value is None:
        return TypedValue(kind, None, info)
    try:
        return TypedValue(kind, _DECODERS.get(kind, _as_is)(value), info)
    except (ValueError, TypeError, OverflowError, binascii.Error) as error:
        return _unreadable(kind, raw_type, value, info, f"not a {kind} value: {error}")


def _as_is(value: Any) -> Any:
    return value


def _whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("not a whole number")
    return value


def _double(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a number")
    return float(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("neither true nor false")
    return value


def _date(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("a Date is sent as text")
    return parse_engine_date(value)


def _binary(value: Any) -> Any:
    if isinstance(value, str):
        return base64.b64decode(value, validate=True)
    raise ValueError("binary content is sent as Base64 text")


def _serialized(value: Any) -> str:
    # deserializeValues=true sends an Object as JSON (and some engines a Json value so); keep its text.
    return value if isinstance(value, str) else json.dumps(value)


_DECODERS = {
    VariableType.INTEGER: _whole_number,
    VariableType.LONG: _whole_number,
    VariableType.SHORT: _whole_number,
    VariableType.DOUBLE: _double,
    VariableType.BOOLEAN: _boolean,
    VariableType.DATE: _date,
    VariableType.FILE: _binary,
    VariableType.BYTES: _binary,
    VariableType.JSON: _serialized,
    VariableType.OBJECT: _serialized,
    VariableType.XML: raw_text,
    VariableType.STRING: raw_text,
}


def encode(typed: TypedValue) -> dict[str, Any]:
    """A TypedValue as the engine's VariableValueDto."""
    if typed.unreadable:
        raise VariableValueError("a value the dashboard could not read is never sent back")
    value = typed.value
    if isinstance(value, datetime):
        value = format_engine_date(value)
    elif isinstance(value, bytes):
        value = base64.b64encode(value).decode("ascii")
    dto: dict[str, Any] = {"type": TYPE_NAMES[typed.type], "value": value}
    if typed.value_info:
        dto["valueInfo"] = dict(typed.value_info)
    return dto
