"""No id or name, from a user or from the engine, can change which endpoint the client calls.

Every client method is called once per string argument with a sentinel, to learn where that
argument lands, and then with each hostile value: the request line must be the sentinel's with
only that one segment changed, or, for what cannot be a segment at all, nothing is sent.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime

import httpx
import pytest
import respx

from engines.camunda7.client import Camunda7Client
from engines.config import EngineConfig
from engines.errors import EngineError, UnaddressableName
from engines.queries import Instruction, Modification, Restart
from engines.variables import TypedValue, VariableType
from tests.engines.cases import BASE

SENTINEL = "SENTINEL-9f2"
# hostile value -> how it must appear in the path (None: refused, nothing sent)
HOSTILE = {
    ".": None,
    "..": None,
    "": None,
    "%2E": "%252E",
    "%2E%2E": "%252E%252E",
    "/": "%2F",
    "%2F": "%252F",
    "\\": "%5C",
    "../suspended": "..%2Fsuspended",
    "a/../b": "a%2F..%2Fb",
    "x?cascade=true": "x%3Fcascade%3Dtrue",
    "x#frag": "x%23frag",
    ";": "%3B",
}
# Arguments that are not strings, or strings that never go into a URL (bodies, uploads).
OTHER_ARGUMENTS = {
    "modification": Modification(instructions=(Instruction("startBeforeActivity", activity_id="a"),)),
    "value": TypedValue(VariableType.STRING, "x"),
    "data": b"x",
    "filename": "f.txt",
    "retries": 1,
    "suspended": True,
    "annotation": "note",
    "variables": {"v": TypedValue(VariableType.STRING, "x")},
    "job_ids": ["j-1"],
    "ids": ["pi-1"],
    "execution_date": datetime(2026, 1, 1, tzinfo=UTC),
    "due_date": datetime(2026, 1, 1, tzinfo=UTC),
    "priority": 5,
    "restart": Restart(instructions=(Instruction("startBeforeActivity", activity_id="a"),)),
}
NOT_IN_URL = {"annotation", "filename", "mimetype", "reason"}


def _string_arguments() -> list[tuple[str, str]]:
    found = []
    for name, method in inspect.getmembers(Camunda7Client, inspect.isfunction):
        if name.startswith("_"):
            continue
        for parameter in inspect.signature(method).parameters.values():
            annotation = str(parameter.annotation)
            if parameter.name in NOT_IN_URL or parameter.name == "self":
                continue
            if annotation in ("str", "str | None"):
                found.append((name, parameter.name))
    return found


STRING_ARGUMENTS = _string_arguments()


def _call(method_name: str, argument: str, value: str) -> list[httpx.Request]:
    """Call the method with value for argument; the requests it sent, answered with a bare 200."""
    client = Camunda7Client(_config(), http=_HTTP)
    method = getattr(client, method_name)
    kwargs = {}
    for parameter in list(inspect.signature(method).parameters.values()):
        if parameter.name == argument:
            kwargs[parameter.name] = value
        elif parameter.name in OTHER_ARGUMENTS:
            kwargs[parameter.name] = OTHER_ARGUMENTS[parameter.name]
        elif parameter.default is inspect.Parameter.empty and parameter.kind is not parameter.VAR_KEYWORD:
            kwargs[parameter.name] = "other-1"
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        route = mock.route().respond(200, json={})
        try:
            method(**kwargs)
        except UnaddressableName:
            pass
        except (EngineError, KeyError, TypeError, ValueError, AttributeError):
            pass  # the bare answer need not parse: only the request matters here
        return [call.request for call in route.calls]


def _config() -> EngineConfig:
    return EngineConfig(name="t", base_url=BASE)


# One connection pool for all the calls (each client of its own would build a TLS context).
_HTTP = httpx.Client(base_url=BASE)


def _optional(method_name: str, argument: str) -> bool:
    return inspect.signature(getattr(Camunda7Client, method_name)).parameters[argument].default is None


def _line(request: httpx.Request) -> str:
    return f"{request.method} {request.url.raw_path.decode()}"


def test_every_client_method_with_a_string_argument_is_probed():
    probed = set(STRING_ARGUMENTS)
    # a few that are known to go into a path, so that the enumeration cannot silently find nothing
    assert {
        ("delete_variable", "name"),
        ("delete_instance", "instance_id"),
        ("set_instance_suspended", "instance_id"),
        ("get_latest_definition", "tenant_id"),
        ("delete_variable", "execution_id"),
        ("get_variable_instance", "variable_id"),
    } <= probed
    in_path = [pair for pair in STRING_ARGUMENTS if SENTINEL in _line(_call(*pair, SENTINEL)[0])]
    assert len(in_path) >= 40


@pytest.mark.parametrize(
    ("method_name", "argument"), STRING_ARGUMENTS, ids=[f"{m}.{a}" for m, a in STRING_ARGUMENTS]
)
def test_no_id_or_name_changes_which_endpoint_is_called(method_name, argument):
    reference = _call(method_name, argument, SENTINEL)
    assert reference, f"{method_name} sent nothing"
    reference_line = _line(reference[0])
    in_path = SENTINEL in reference_line.split("?")[0]
    for value, encoded in HOSTILE.items():
        sent = _call(method_name, argument, value)
        if not in_path:
            # a query parameter: encoded by httpx, and the path stays what it was
            assert [_line(r).split("?")[0] for r in sent][:1] in ([], [reference_line.split("?")[0]]), value
            continue
        if value == "" and _optional(method_name, argument):
            # an empty optional name is no name: the call without it
            assert [_line(r) for r in sent] == [_line(r) for r in _call(method_name, argument, None)]
            continue
        if encoded is None:
            assert sent == [], f"{method_name}({argument}={value!r}) sent {_line(sent[0])}"
            continue
        assert [_line(request) for request in sent][:1] == [reference_line.replace(SENTINEL, encoded)], value


def test_an_unaddressable_name_is_refused_with_a_message_and_nothing_is_sent():
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        route = mock.route().respond(204)
        client = Camunda7Client(_config())
        with pytest.raises(UnaddressableName) as refused:
            client.delete_variable("pi-1", "..")
        client.close()
    assert route.calls.call_count == 0
    assert "'..'" in refused.value.message
