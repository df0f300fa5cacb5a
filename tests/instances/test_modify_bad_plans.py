"""Plans nobody builds with the wizard's buttons (deep, mistyped, incomplete) and values nested
deep: each gets a message in words, and the engine is never asked to change anything."""

import json

import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batches.models import Operation
from demo_engine.models import ORDER
from engines.variables import BINARY_TYPES, VariableType
from instances.modification import PlanError, plan_from_json
from tests.conftest import OTHER_ENGINE_URL
from tests.instances.test_modify_odd_answers import INSTANCE, TREE

pytestmark = pytest.mark.django_db
URL = "/e/staging/instances/pi-1/modify/"
MANY_URL = "/e/staging/instances/modify/"


@pytest.fixture
def staging():
    """An engine that answers the wizard's reads; a modification sent would be recorded."""
    with respx.mock(base_url=OTHER_ENGINE_URL, assert_all_called=False) as mock:
        mock.get("/process-instance/pi-1").respond(json=INSTANCE)
        mock.get("/process-instance/pi-1/activity-instances").respond(json=TREE)
        mock.get("/process-definition/order:1:x/xml").respond(
            json={"id": "order:1:x", "bpmn20Xml": ORDER.to_xml()}
        )
        mock.post("/process-instance").respond(json=[INSTANCE])  # the many-instance wizard's selection
        yield {
            "sync": mock.post("/process-instance/pi-1/modification").respond(204),
            "async": mock.post("/process-instance/pi-1/modification-async").respond(json={}),
        }


def deep(n: int) -> str:
    return "[" * n + "]" * n


BAD_PLANS = [
    (deep(1000), "could not be read"),
    (json.dumps([{"type": "cancel", "activity_id": "pack", "variables": 5}]), "variables"),
    (json.dumps([{"type": ["cancel"], "activity_id": "pack"}]), "no known type"),
    (json.dumps([{"type": "cancel"}]), "says nothing to cancel"),
    (json.dumps([{"type": "startBeforeActivity"}]), "names no activity"),
    (json.dumps([{"type": "startTransition"}]), "names no sequence flow"),
    (json.dumps([{"type": "cancel", "activity_id": ["pack"]}]), "activity_id"),
    (json.dumps([{"type": "startBeforeActivity", "activity_id": "ship", "variables": [{"name": 5}]}]),
     "variable"),
    (json.dumps({"type": "cancel", "activity_id": "pack"}), "could not be read"),
    (json.dumps([{"type": "cancel", "activity_id": "pack"}] * 1001), "too many instructions"),
]  # fmt: skip


@pytest.mark.parametrize(("plan", "words"), BAD_PLANS)
def test_a_bad_plan_is_refused_in_words(plan, words):
    with pytest.raises(PlanError, match=words):
        plan_from_json(plan)


@pytest.mark.parametrize(("plan", "words"), BAD_PLANS)
@pytest.mark.parametrize("step", ["preview", "submit"])
def test_a_bad_plan_posted_to_the_wizard_changes_nothing(client_as, staging, plan, words, step):
    response = client_as("Operator").post(
        URL, {"plan": plan, "step": step, "annotation": "x", "acknowledge": "on"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code in (200, 422)
    assert "The plan" in response.content.decode()
    assert not staging["sync"].called and not staging["async"].called


def test_a_json_variable_nested_deep_is_refused_next_to_its_field(client_as, staging):
    response = client_as("Operator").post(
        URL,
        {
            "plan": "[]",
            "step": "add",
            "add-kind": "startBeforeActivity",
            "add-activity_id": "ship",
            "add-var_name_0": "payload",
            "add-var_type_0": "Json",
            "add-var_value_0": deep(1000),
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200 and "levels deep is refused" in page
    assert "No instruction yet." in page  # nothing was added


def test_a_deep_json_variable_smuggled_into_the_plan_is_refused_on_submit(client_as, staging):
    plan = [
        {
            "type": "startBeforeActivity",
            "activity_id": "ship",
            "variables": [{"name": "payload", "type": "Json", "value": deep(1000), "local": False}],
        }
    ]
    response = client_as("Operator").post(
        URL,
        {"plan": json.dumps(plan), "step": "submit", "annotation": "x", "acknowledge": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "levels deep is refused" in response.content.decode()
    assert not staging["sync"].called


# --- generated: anything malformed, nothing sent, never a 500 ----------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
not_text = json_values.filter(lambda v: v is not None and not isinstance(v, str))
FIELDS = ("activity_id", "transition_id", "activity_instance_id", "transition_instance_id",
          "ancestor_activity_instance_id")  # fmt: skip
VALID = [
    {"type": "cancel", "activity_id": "pack"},
    {"type": "cancel", "transition_instance_id": "charge:2"},
    {"type": "startBeforeActivity", "activity_id": "ship"},
    {"type": "startTransition", "transition_id": "flow_join_shipping"},
]


@st.composite
def malformed_plans(draw) -> str:
    """A plan made wrong in one way: a field's type, the instruction's type, a missing target, the
    variables, the plan's own shape or its nesting."""
    step = dict(draw(st.sampled_from(VALID)))
    how = draw(
        st.sampled_from(
            ["field", "type", "target", "variables", "variable", "variable type", "shape", "deep"]
        )
    )
    if how == "field":
        step[draw(st.sampled_from(FIELDS))] = draw(not_text)
    elif how == "type":
        step["type"] = draw(
            json_values.filter(
                lambda v: v not in ("cancel", "startBeforeActivity", "startAfterActivity", "startTransition")
            )
        )
    elif how == "target":
        for name in FIELDS:
            step.pop(name, None)
    elif how == "variables":
        step["variables"] = draw(json_values.filter(lambda v: v is not None and not isinstance(v, list)))
    elif how == "variable":
        step["type"], step["activity_id"] = "startBeforeActivity", "ship"
        variable = {"name": "n", "type": "String", "value": "v", "local": False}
        variable[draw(st.sampled_from(sorted(variable)))] = draw(
            json_values.filter(lambda v: not isinstance(v, (str, bool)) and v is not None)
        )
        step["variables"] = [variable]
    elif how == "variable type":
        typed = {t.value.lower() for t in VariableType if t not in BINARY_TYPES}
        step["type"], step["activity_id"] = "startBeforeActivity", "ship"
        step["variables"] = [
            {"name": "n", "type": draw(st.text(max_size=10).filter(lambda t: t.lower() not in typed)),
             "value": "v", "local": False}
        ]  # fmt: skip
    elif how == "shape":
        return json.dumps(draw(json_values.filter(lambda v: not isinstance(v, list))))
    else:
        return deep(draw(st.integers(min_value=900, max_value=5000)))
    plan = [*draw(st.lists(st.sampled_from(VALID), max_size=2)), step]
    return json.dumps(plan)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    plan=malformed_plans(),
    step=st.sampled_from(["preview", "submit", "up-1", "add"]),
    many=st.booleans(),
)
def test_no_malformed_plan_answers_500_or_reaches_the_engine(operator_client, staging, plan, step, many):
    url, extra = (MANY_URL, {"ids": ["pi-1"]}) if many else (URL, {"run_async": "on"})
    response = operator_client.post(
        url,
        {"plan": plan, "step": step, "annotation": "x", "acknowledge": "on", **extra},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code < 500
    assert not staging["sync"].called and not staging["async"].called
    assert not Operation.objects.exists()  # nor handed to a worker
