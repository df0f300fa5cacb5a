"""Every value that validates round-trips; every invalid input is refused with a clear message."""

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engines.camunda7.variables import decode, encode
from engines.variables import (
    INTEGER_RANGES,
    TypedValue,
    VariableType,
    VariableValueError,
    file_value,
    parse_input,
    to_text,
)

whole = {kind: st.integers(min_value=low, max_value=high) for kind, (low, high) in INTEGER_RANGES.items()}
engine_dates = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000))
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)

typed_values = st.one_of(
    st.text().map(lambda v: TypedValue(VariableType.STRING, v)),
    *[strategy.map(lambda v, k=kind: TypedValue(k, v)) for kind, strategy in whole.items()],
    st.floats(allow_nan=False, allow_infinity=False).map(lambda v: TypedValue(VariableType.DOUBLE, v)),
    st.booleans().map(lambda v: TypedValue(VariableType.BOOLEAN, v)),
    st.builds(lambda d, tz: TypedValue(VariableType.DATE, d.astimezone(tz)), engine_dates, offsets),
    json_values.map(lambda v: TypedValue(VariableType.JSON, json.dumps(v))),
    st.from_regex(r"[a-z]{1,8}", fullmatch=True).map(
        lambda tag: TypedValue(VariableType.XML, f"<{tag} a='1'><x>text &amp; more</x></{tag}>")
    ),
    json_values.map(
        lambda v: TypedValue(
            VariableType.OBJECT,
            json.dumps(v),
            {"objectTypeName": "com.acme.Order", "serializationDataFormat": "application/json"},
        )
    ),
    st.just(TypedValue(VariableType.NULL, None)),
)


@given(typed_values)
def test_a_value_survives_the_trip_to_the_engine_and_back(value):
    wire = json.loads(json.dumps(encode(value)))
    assert decode(wire) == value


@given(typed_values)
def test_what_a_form_shows_parses_back_to_the_same_value(value):
    assert parse_input(value.type, to_text(value), value.value_info) == value


@given(st.binary(max_size=200), st.text(min_size=1, max_size=20))
def test_file_content_survives_the_json_trip(data, name):
    value = file_value(data, filename=name, mimetype="application/pdf")
    assert decode(json.loads(json.dumps(encode(value)))) == value


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("Integer", "2147483648", "Integer must be between -2147483648 and 2147483647"),
        ("Integer", "-2147483649", "out of range"),
        ("Short", "32768", "Short must be between -32768 and 32767"),
        ("Long", "9223372036854775808", "Long must be between"),
        ("Integer", "12.5", "Integer must be a whole number"),
        ("Double", "abc", "Double must be a number"),
        ("Double", "nan", "finite"),
        ("Boolean", "yes", "Boolean must be true or false"),
        ("Date", "22.11.2026", "Date: pick a day and time in the picker (in UTC), e.g. 2026-11-22T09:30"),
        ("Date", "202609-12-24T03:00", "Date: the year must be from 1 to 9999, not 202609"),
        ("Json", "{'a': 1}", "Json does not parse"),
        ("Xml", "<a><b></a>", "Xml is not well-formed"),
        ("Xml", '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "DOCTYPE"),
        ("Object", "{}", "object type name"),
        ("Null", "something", "leave the field empty"),
        ("File", "x", "uploaded as a file"),
        ("Nonsense", "x", "unknown variable type"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(kind, text, message):
    with pytest.raises(VariableValueError, match=re.escape(message)):
        parse_input(kind, text)


@given(st.integers().filter(lambda n: not -(2**31) <= n < 2**31))
def test_no_integer_outside_32_bits_gets_through(number):
    with pytest.raises(VariableValueError):
        parse_input("Integer", str(number))


def test_a_date_picker_value_without_offset_is_taken_as_utc():
    assert parse_input("Date", "2026-11-22T09:30").value == datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def test_an_object_needs_its_serialization_format():
    with pytest.raises(VariableValueError, match="serialization format"):
        parse_input("Object", "{}", {"objectTypeName": "com.acme.Order"})


def test_engine_type_names_are_read_case_insensitively():
    assert decode({"type": "string", "value": "x"}).type == VariableType.STRING
