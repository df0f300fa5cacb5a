"""Typed variables as the engine keeps and answers them: checks on the way in, DTOs on the way out."""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

RANGES = {"Integer": 2**31, "Short": 2**15, "Long": 2**63}
TYPES = (
    "String",
    "Integer",
    "Short",
    "Long",
    "Double",
    "Boolean",
    "Date",
    "Json",
    "Xml",
    "Object",
    "File",
    "Bytes",
    "Null",
)
_BY_LOWER = {name.lower(): name for name in TYPES}
JAVA_SERIALIZED = "application/x-java-serialized-object"


def variable_id(rowid: int) -> str:
    return f"00000000-0000-4000-8000-{rowid:012x}"


def _type_of(dto: dict) -> str:
    declared = dto.get("type")
    if declared is None:  # untyped: the engine infers the type from the JSON value
        value = dto.get("value")
        if value is None:
            return "Null"
        if isinstance(value, bool):
            return "Boolean"
        if isinstance(value, int):
            return "Integer" if -(2**31) <= value < 2**31 else "Long"
        if isinstance(value, float):
            return "Double"
        return "String"
    kind = _BY_LOWER.get(str(declared).lower())
    if kind is None:
        raise ValueError(f"Unsupported value type '{declared}'")
    return kind


def variable_columns(dto: dict, *, data: bytes | None = None) -> tuple:
    """(type, value, value_info, number, text, data) for the variable table; ValueError says what is wrong."""
    kind = _type_of(dto)
    value = dto.get("value")
    info = dict(dto.get("valueInfo") or {})
    number = text = None
    stored: Any = value

    def refuse(expected: str) -> ValueError:
        return ValueError(f"Cannot convert value '{value}' of type '{type(value).__name__}' to {expected}")

    if value is None and kind not in ("File", "Bytes"):
        stored = None
    elif kind == "String":
        if not isinstance(value, str):
            raise refuse("java.lang.String")
        text = value
    elif kind in RANGES:
        if isinstance(value, bool) or not isinstance(value, int):
            raise refuse(f"java.lang.{kind}")
        limit = RANGES[kind]
        if not -limit <= value < limit:
            raise ValueError(f"Value '{value}' is out of range for {kind}: {-limit} to {limit - 1}")
        number = value
    elif kind == "Double":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise refuse("java.lang.Double")
        stored = number = float(value)
    elif kind == "Boolean":
        if not isinstance(value, bool):
            raise refuse("java.lang.Boolean")
        text = "true" if value else "false"
    elif kind == "Date":
        try:
            datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            raise ValueError(
                f"Cannot convert value '{value}' to a date: expected yyyy-MM-dd'T'HH:mm:ss.SSSZ"
            ) from None
        text = value
    elif kind == "Json":
        try:
            json.loads(value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"Unable to parse the Json value: {error}") from None
    elif kind == "Xml":
        try:
            ElementTree.fromstring(value)
        except (TypeError, ElementTree.ParseError) as error:
            raise ValueError(f"Unable to parse the Xml value: {error}") from None
    elif kind == "Object":
        if not isinstance(value, str):
            raise ValueError("Must provide the serialized value of an Object as a String")
        if not info.get("objectTypeName"):
            raise ValueError("Must provide 'objectTypeName' for serialized values of type Object")
        info.setdefault("serializationDataFormat", JAVA_SERIALIZED)
    elif kind == "Null":
        raise ValueError("A Null variable has no value")
    if kind in ("File", "Bytes"):
        if data is None and value is not None:
            try:
                data = base64.b64decode(str(value), validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"The value of a {kind} variable must be Base64 encoded") from None
        if kind == "File":
            if not info.get("filename"):
                raise ValueError("Must provide 'filename' in the valueInfo of a File variable")
            stored = None
        else:
            stored, info = None, {}
    return (
        kind,
        None if kind == "Bytes" else json.dumps(stored),
        json.dumps(info) if info else None,
        number,
        text,
        data,
    )


def variable_value(row: sqlite3.Row, *, deserialize: bool = False) -> dict:
    """The engine's VariableValueDto: type, value, valueInfo."""
    kind = row["type"]
    info = json.loads(row["value_info"]) if row["value_info"] else {}
    if kind == "Bytes":
        value = base64.b64encode(row["data"]).decode("ascii") if row["data"] is not None else None
    elif kind == "File":
        value = None
    else:
        value = json.loads(row["value"]) if row["value"] is not None else None
    if deserialize and kind == "Object" and info.get("serializationDataFormat") == "application/json":
        value = json.loads(value)
    return {"type": kind, "value": value, "valueInfo": info}
