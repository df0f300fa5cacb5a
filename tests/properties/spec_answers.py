"""Hypothesis strategies for engine answers, generated from the engine's OpenAPI schemas.

Every property may be absent or null, enums take every value, numbers go out of range, date-times
are sometimes not dates: all of it is what the spec allows an engine (or a fork) to send.
"""

from __future__ import annotations

import json
import re
from functools import cache

from hypothesis import strategies as st

from tests.contract import SPEC_PATH

SPEC = SPEC_PATH

MAX_DEPTH = 3  # nested objects (an activity instance tree) and arrays stop here
WIDE_INTEGERS = [-1, 0, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30]
ODD_DATES = ["", "yesterday", "2026-02-30T25:61:00.000+0000", "2026-11-22T09:30:00Z", "2026-11-22"]


@cache
def spec() -> dict:
    return json.loads(SPEC.read_text())


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec()["components"]["schemas"][name]
    return schema


def _json_values() -> st.SearchStrategy:
    leaves = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=8)
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=4), inner, max_size=2),
        max_leaves=4,
    )


def strategy(schema: dict, depth: int = 0) -> st.SearchStrategy:
    schema = _resolve(schema)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            merged: dict = {"type": "object", "properties": {}}
            for part in schema[combined]:
                merged["properties"].update(_resolve(part).get("properties", {}))
            return strategy({**{k: v for k, v in schema.items() if k != combined}, **merged}, depth)
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | st.text(max_size=6)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth >= MAX_DEPTH:
            return st.just({})
        optional = {
            name: st.none() | strategy(sub, depth + 1) for name, sub in schema.get("properties", {}).items()
        }
        base = st.fixed_dictionaries({}, optional=optional)
        if schema.get("additionalProperties") and not optional:
            return st.dictionaries(st.text(max_size=6), st.none() | _json_values(), max_size=3)
        return base
    if kind == "array":
        if depth >= MAX_DEPTH:
            return st.just([])
        return st.lists(st.none() | strategy(schema.get("items", {}), depth + 1), max_size=3)
    if kind == "string":
        if schema.get("format") == "date-time":
            return st.sampled_from(["2026-11-22T09:30:00.000+0100", *ODD_DATES]) | st.text(max_size=6)
        return st.text(max_size=12) | st.sampled_from(
            ["pi-1", "order:1:abc", "inc-1", "..", "%2E", "\u202eexe.png"]
        )
    if kind == "integer":
        return st.integers(-(2**31), 2**31) | st.sampled_from(WIDE_INTEGERS)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e308, -1e308, 2**64])
    if kind == "boolean":
        return st.booleans()
    return _json_values()  # no type: any JSON (a variable's value)


def answer_schema(method: str, template: str) -> dict | None:
    operation = spec()["paths"][template][method.lower()]
    for status in ("200", "201"):
        content = operation.get("responses", {}).get(status, {}).get("content", {})
        for media in ("application/json", "*/*"):
            if media in content and "schema" in content[media]:
                return content[media]["schema"]
    return None


@cache
def _templates() -> list[tuple[str, re.Pattern, str]]:
    found = []
    for template, operations in spec()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        literal = len(re.sub(r"\{[^}]+\}", "", template))
        for method in operations:
            found.append((method.upper(), pattern, template, literal))
    # The most literal template first: /process-instance/count before /process-instance/{id}.
    return [(m, p, t) for m, p, t, _ in sorted(found, key=lambda row: -row[3])]


def template_of(method: str, path: str) -> str | None:
    for known_method, pattern, template in _templates():
        if known_method == method and pattern.match(path):
            return template
    return None
