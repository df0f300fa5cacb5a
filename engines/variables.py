"""Typed variable values: what a user types, checked and typed, and how a value is shown and stored.

Everything a user types is checked here before anything is sent, so an engine never
sees an Integer that is not 32-bit or a Json value that does not parse. How an engine
spells a value on the wire is its adapter's business.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from xml.parsers import expat

_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$")


def date_text(moment: datetime) -> str:
    """A moment as the dashboard writes it, yyyy-MM-dd'T'HH:mm:ss.SSSZ; naive ones are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")


def parse_date_text(text: str) -> datetime:
    """The moment date_text wrote; ValueError naming the expected shape for anything else."""
    if not isinstance(text, str) or not _DATE_TEXT.match(text):
        raise ValueError(
            f"{text!r} is not a date as yyyy-MM-dd'T'HH:mm:ss.SSSZ (for example 2026-11-22T09:30:00.000+0100)"
        )
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


class VariableType(StrEnum):
    """A variable's type, by the names users know from the engines (Java's types)."""

    STRING = "String"
    INTEGER = "Integer"
    LONG = "Long"
    SHORT = "Short"
    DOUBLE = "Double"
    BOOLEAN = "Boolean"
    DATE = "Date"
    JSON = "Json"
    XML = "Xml"
    OBJECT = "Object"
    FILE = "File"
    BYTES = "Bytes"
    NULL = "Null"


# How deep a Json or Xml value may nest. A value typed deeper is refused before anything is sent (parsers
# recurse, and so would the engine's); a value read deeper is shown as raw text, not pretty-printed.
MAX_NESTING = 100

INTEGER_RANGES = {
    VariableType.SHORT: (-(2**15), 2**15 - 1),
    VariableType.INTEGER: (-(2**31), 2**31 - 1),
    VariableType.LONG: (-(2**63), 2**63 - 1),
}
BINARY_TYPES = frozenset({VariableType.FILE, VariableType.BYTES})


class VariableValueError(ValueError):
    """A value that cannot be a variable of its type; the message is meant for the user."""


@dataclass(frozen=True)
class TypedValue:
    """A variable's value with its engine type.

    value is the Python value: str, int, float, bool, aware datetime (Date), the JSON or
    XML text (Json, Xml), the serialized text (Object), bytes or None (File, Bytes: the
    content may live behind the binary endpoint), None (Null).

    An engine may send what the codec cannot read: a custom value type, a Double that is not a
    number, a Date that is not a date. Such a value is kept as the raw text the engine sent, with
    `unreadable` saying why, to be shown as it is and never edited or sent back; `type_name` keeps
    the engine's name for a type the codec does not know (`type` is then String, for the text).
    """

    type: VariableType
    value: Any
    value_info: dict[str, Any] = field(default_factory=dict)
    unreadable: str = ""
    type_name: str = ""

    @property
    def type_label(self) -> str:
        return self.type_name or self.type.value

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for a stored operation or the audit log; `from_dict` gives the value back.
        A Date is ISO 8601 text, binary content Base64."""
        if self.unreadable:
            raise VariableValueError("a value the dashboard could not read is never stored to be sent")
        value = self.value
        if isinstance(value, datetime):
            value = value.isoformat(timespec="milliseconds")
        elif isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        data: dict[str, Any] = {"type": self.type.value, "value": value}
        if self.value_info:
            data["info"] = dict(self.value_info)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TypedValue:
        """The value `to_dict` stored. Operations recorded earlier stored {type, value} alike (a Date as
        date_text, which ISO 8601 reads too)."""
        kind = variable_type(data.get("type") or "Null")
        value = data.get("value")
        if value is not None and kind == VariableType.DATE:
            value = datetime.fromisoformat(value)
        elif value is not None and kind in BINARY_TYPES:
            value = base64.b64decode(value)
        return cls(kind, value, dict(data.get("info") or {}))

    @property
    def object_type_name(self) -> str:
        return _text_of(self.value_info.get("objectTypeName"))

    @property
    def serialization_format(self) -> str:
        return _text_of(self.value_info.get("serializationDataFormat"))

    @property
    def filename(self) -> str:
        return _text_of(self.value_info.get("filename"))

    @property
    def mimetype(self) -> str:
        # The engine answers mimeType; requests spell it mimetype.
        return _text_of(self.value_info.get("mimeType") or self.value_info.get("mimetype"))


def _text_of(info: Any) -> str:
    return info if isinstance(info, str) else ""


def variable_type(raw: Any) -> VariableType:
    try:
        return VariableType(raw)
    except ValueError:
        # Engines name types case-insensitively in requests ("string", "json").
        for known in VariableType:
            if isinstance(raw, str) and known.value.lower() == raw.lower():
                return known
        raise VariableValueError(f"unknown variable type {raw!r}") from None


def raw_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # circular or too deep to write: say what it is rather than fail
        return repr(type(value))


def parse_input(
    type_name: str | VariableType, text: str, value_info: dict[str, Any] | None = None
) -> TypedValue:
    """What a user typed into a form, as a TypedValue; VariableValueError says what is wrong."""
    kind = variable_type(type_name)
    info = dict(value_info or {})
    if kind in BINARY_TYPES:
        raise VariableValueError(f"{kind} values are uploaded as a file, not typed")
    parser = _PARSERS[kind]
    return TypedValue(kind, parser(text, info), info)


def file_value(
    data: bytes, *, filename: str, mimetype: str = "", encoding: str = "", bytes_only: bool = False
) -> TypedValue:
    """An uploaded file as a File (or Bytes) value."""
    if bytes_only:
        return TypedValue(VariableType.BYTES, data)
    if not filename:
        raise VariableValueError("a File value needs a file name")
    info = {"filename": filename}
    if mimetype:
        # Camunda 7.24 reads mimeType only: a File sent with "mimetype" is served as octet-stream.
        info["mimeType"] = mimetype
    if encoding:
        info["encoding"] = encoding
    return TypedValue(VariableType.FILE, data, info)


def to_text(typed: TypedValue) -> str:
    """The text a form shows for a value; parse_input(type, to_text(v)) gives v back."""
    value = typed.value
    if value is None:
        return ""
    if typed.unreadable:
        return str(value)
    if typed.type == VariableType.BOOLEAN:
        return "true" if value else "false"
    if typed.type == VariableType.DATE:
        return date_text(value)
    if typed.type == VariableType.DOUBLE:
        return repr(float(value))
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def _parse_string(text: str, info: dict[str, Any]) -> str:
    return text


def _parse_whole(kind: VariableType) -> Callable[[str, dict[str, Any]], int]:
    low, high = INTEGER_RANGES[kind]

    def parse(text: str, info: dict[str, Any]) -> int:
        stripped = text.strip()
        try:
            number = int(stripped)
        except ValueError:
            raise VariableValueError(f"{kind} must be a whole number, not {text!r}") from None
        if not low <= number <= high:
            raise VariableValueError(f"{kind} must be between {low} and {high}; {number} is out of range")
        return number

    return parse


def _parse_double(text: str, info: dict[str, Any]) -> float:
    try:
        number = float(text.strip())
    except ValueError:
        raise VariableValueError(f"Double must be a number, not {text!r}") from None
    if not math.isfinite(number):
        raise VariableValueError("Double must be a finite number (JSON has no NaN or Infinity)")
    return number


def _parse_boolean(text: str, info: dict[str, Any]) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise VariableValueError(f"Boolean must be true or false, not {text!r}")
    return lowered == "true"


def _parse_date(text: str, info: dict[str, Any]) -> datetime:
    stripped = text.strip()
    try:
        return parse_date_text(stripped)
    except ValueError:
        pass
    year = re.match(r"[+-]?(\d+)-", stripped)
    if year and len(year.group(1)) != 4:
        # A picker lets a year of five or six digits through; the engine's dates have four.
        raise VariableValueError(f"Date: the year must be from 1 to 9999, not {year.group(1)} (in {text!r})")
    try:
        # What a browser's date-time picker sends (no offset: taken as UTC).
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        raise VariableValueError(
            f"Date: pick a day and time in the picker (in UTC), e.g. 2026-11-22T09:30; {text!r} is not a date"
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def json_nesting(text: str) -> int:
    """How deep JSON text nests (arrays and objects), read without parsing: time linear, no recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def xml_nesting(text: str) -> int:
    """How deep XML text nests its elements, read by expat (no recursion); -1 if it is not well-formed."""
    depth = deepest = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, deepest
        depth += 1
        deepest = max(deepest, depth)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(text, True)
    except expat.ExpatError:
        return -1
    return deepest


def _check_nesting(depth: int, kind: str) -> None:
    if depth > MAX_NESTING:
        raise VariableValueError(
            f"{kind} nested {depth} levels deep is refused: at most {MAX_NESTING} levels are accepted"
        )


def _parse_json(text: str, info: dict[str, Any]) -> str:
    _check_nesting(json_nesting(text), "Json")
    try:
        json.loads(text)
    except ValueError as error:
        raise VariableValueError(f"Json does not parse: {error}") from None
    return text


def _parse_xml(text: str, info: dict[str, Any]) -> str:
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise VariableValueError("Xml with a DOCTYPE or entity declarations is refused")
    _check_nesting(xml_nesting(text), "Xml")
    try:
        ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise VariableValueError(f"Xml is not well-formed: {error}") from None
    return text


def _parse_object(text: str, info: dict[str, Any]) -> str:
    if not info.get("objectTypeName"):
        raise VariableValueError("an Object value needs its object type name (e.g. com.example.Order)")
    data_format = info.get("serializationDataFormat")
    if not data_format:
        raise VariableValueError("an Object value needs its serialization format (e.g. application/json)")
    if data_format == "application/json":
        _parse_json(text, info)
    elif data_format == "application/xml":
        _parse_xml(text, info)
    elif data_format == "application/x-java-serialized-object":
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise VariableValueError("a Java-serialized Object must be Base64 text") from None
    return text


def _parse_null(text: str, info: dict[str, Any]) -> None:
    if text.strip():
        raise VariableValueError("a Null value has no content; leave the field empty")
    return None


_PARSERS = {
    VariableType.STRING: _parse_string,
    VariableType.INTEGER: _parse_whole(VariableType.INTEGER),
    VariableType.LONG: _parse_whole(VariableType.LONG),
    VariableType.SHORT: _parse_whole(VariableType.SHORT),
    VariableType.DOUBLE: _parse_double,
    VariableType.BOOLEAN: _parse_boolean,
    VariableType.DATE: _parse_date,
    VariableType.JSON: _parse_json,
    VariableType.XML: _parse_xml,
    VariableType.OBJECT: _parse_object,
    VariableType.NULL: _parse_null,
}
