"""Validation of engine requests and responses against the official Camunda 7.22 OpenAPI spec."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import httpx
import pytest
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PATH = Path(__file__).resolve().parent / "reference" / "camunda-engine-rest-7.22-openapi.json"


@cache
def _spec():
    from openapi_core import Config, OpenAPI

    # The file has one schema default of the wrong type, so the spec itself is not validated.
    # Its date-time fields carry the engine's own format (2026-11-22T09:30:00.000+0100,
    # no colon in the offset), which is what real engines send and accept.
    # The spec's servers template the context path, which then swallows path segments
    # (/history/batch would be checked as /batch): pin one server, and every request to it.
    document = dict(_root(), servers=[{"url": CANONICAL_SERVER}])
    return OpenAPI.from_dict(
        document,
        config=Config(spec_validator_cls=None, extra_format_validators={"date-time": _is_date_time}),
    )


def _is_date_time(value) -> bool:
    from datetime import datetime

    if not isinstance(value, str):
        return True
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
        return True
    except ValueError:
        pass
    try:
        datetime.fromisoformat(value)
        return "T" in value
    except ValueError:
        return False


def spec():
    if not SPEC_PATH.exists():
        pytest.skip(f"the engine's OpenAPI spec is not at {SPEC_PATH}; contract not checked")
    return _spec()


CANONICAL_HOST = "http://engine"
CANONICAL_SERVER = CANONICAL_HOST + "/engine-rest"


class _Request:
    def __init__(self, request: httpx.Request, base_path: str) -> None:
        self._request = request
        url = request.url
        self.host_url = CANONICAL_HOST
        # The raw path: an encoded slash inside an id must stay inside its segment.
        raw_path = url.raw_path.decode().split("?")[0]
        self.path = "/engine-rest" + (
            raw_path[len(base_path) :] if raw_path.startswith(base_path) else raw_path
        )
        self.method = request.method.lower()
        from openapi_core.datatypes import RequestParameters

        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(url.params.multi_items())),
            header=Headers(dict(request.headers)),
            cookie={},
        )
        self.content_type = request.headers.get("Content-Type", "").lower()
        self.body = request.content or None
        self.full_url_pattern = self.host_url + self.path


class _Response:
    def __init__(self, response: httpx.Response, path: str) -> None:
        self.data = response.content
        self.status_code = response.status_code
        self.content_type = response.headers.get("Content-Type", "").split(";")[0]
        if path.endswith("/data") and self.content_type not in (
            "application/octet-stream",
            "application/json",
        ):
            # The spec: file variables come back "as the saved type"; it lists that case as text/plain.
            self.content_type = "text/plain"
        self.headers = Headers(dict(response.headers))


def check_request(request: httpx.Request, base_path: str = "/engine-rest") -> None:
    """Raises the validator's error when the request breaks the spec."""
    spec().validate_request(_Request(request, base_path))


def check_response(request: httpx.Request, response: httpx.Response, base_path: str = "/engine-rest") -> None:
    from openapi_core.templating.responses.exceptions import ResponseNotFound

    try:
        spec().validate_response(_Request(request, base_path), _Response(response, request.url.path))
    except ResponseNotFound:
        # The spec leaves out some error statuses the engine does send (a 404 for an unknown
        # definition id, say); their body is still the engine's ExceptionDto.
        if response.status_code < 400:
            raise
        body = response.json()
        assert isinstance(body.get("type"), str) and isinstance(body.get("message"), str), body


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _properties(schema: dict, root: dict) -> tuple[dict, bool]:
    """All properties a schema names (through allOf), and whether it allows others."""
    schema = _resolve(schema, root)
    properties = dict(schema.get("properties", {}))
    open_ended = bool(schema.get("additionalProperties")) or (not properties and "allOf" not in schema)
    for part in schema.get("allOf", []):
        more, part_open = _properties(part, root)
        properties.update(more)
        open_ended = open_ended and part_open
    return properties, open_ended


def unknown_fields(body, schema: dict, root: dict, where: str = "") -> list[str]:
    """Field names in body that the schema does not know: the validator lets them pass silently."""
    if (
        schema.get("$ref", "").endswith("/TriggerVariableValueDto")
        and isinstance(body, dict)
        and not {"value", "type", "valueInfo", "local"} & body.keys()
    ):
        # The spec's schema names one value, but the engine takes a map of name to value
        # here (the example in seed 001 and Camunda's documentation).
        return [
            f for key, value in body.items() for f in unknown_fields(value, schema, root, f"{where}.{key}")
        ]
    schema = _resolve(schema, root)
    if isinstance(body, list):
        items = schema.get("items", {})
        return [f for i, item in enumerate(body) for f in unknown_fields(item, items, root, f"{where}[{i}]")]
    if not isinstance(body, dict):
        return []
    properties, open_ended = _properties(schema, root)
    found = []
    for key, value in body.items():
        if key in properties:
            found += unknown_fields(value, properties[key], root, f"{where}.{key}")
        elif isinstance(schema.get("additionalProperties"), dict):
            found += unknown_fields(value, schema["additionalProperties"], root, f"{where}.{key}")
        elif not open_ended:
            found.append(f"{where}.{key}")
    return found


@cache
def _root() -> dict:
    """The spec as a plain document."""
    return json.loads(SPEC_PATH.read_text())


def spec_path_of(path: str) -> str:
    """The spec's templated path for a concrete one; literal segments win over {parameters}."""
    spec()
    root = _root()
    matches = [
        template for template in root["paths"] if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path)
    ]
    if not matches:
        raise AssertionError(f"{path} is not a path of the engine's API")
    return min(matches, key=lambda template: template.count("{"))


def unknown_request_fields(request: httpx.Request, base_path: str = "/engine-rest") -> list[str]:
    """JSON fields the request sends that its operation's schema does not name."""
    spec()
    if "json" not in request.headers.get("Content-Type", "") or not request.content:
        return []
    root = _root()
    operation = root["paths"][spec_path_of(request.url.path[len(base_path) :])][request.method.lower()]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return unknown_fields(json.loads(request.content), schema, root)
