"""The modification plan without an engine: instructions for each type, their order, words and preview."""

import pytest

from demo_engine.models import LOAN, ORDER
from engines.bpmn import parse_model
from engines.camunda7.parsing import parse
from engines.camunda7.wire import instruction_json, modification_json
from engines.models import ActivityInstance
from instances.modification import (
    PlanError,
    Step,
    StepVariable,
    modification_of,
    plan_from_json,
    plan_to_json,
    preview,
)
from instances.modify_views import _moved

ORDER_MODEL = parse_model(ORDER.to_xml())
LOAN_MODEL = parse_model(LOAN.to_xml())


def tree(*children, transitions=()):
    """A process instance's tree: children are (id, activity, [grandchildren]) or transition ids."""

    def node(spec, parent):
        node_id, activity, inner = spec
        return {
            "id": node_id,
            "activityId": activity,
            "parentActivityInstanceId": parent,
            "childActivityInstances": [node(child, node_id) for child in inner],
            "childTransitionInstances": [],
        }

    return parse(
        ActivityInstance,
        {
            "id": "pi",
            "activityId": "order:1:x",
            "childActivityInstances": [node(child, "pi") for child in children],
            "childTransitionInstances": [{"id": t, "activityId": t.split(":")[0]} for t in transitions],
        },
    )


def test_the_bpmn_reader_knows_nodes_scopes_flows_and_multi_instance():
    assert ORDER_MODEL.nodes["ship"].parent == "shipping"
    assert ORDER_MODEL.scopes_of("await_delivery") == ["shipping"]
    assert [f.target for f in ORDER_MODEL.outgoing("split")] == ["pack", "charge"]
    assert LOAN_MODEL.nodes["sign"].multi_instance and not LOAN_MODEL.nodes["review"].multi_instance
    assert ORDER_MODEL.title("check_stock") == "Check stock"


@pytest.mark.parametrize(
    ("step", "body"),
    [
        (
            Step("startBeforeActivity", activity_id="check_stock"),
            {"type": "startBeforeActivity", "activityId": "check_stock"},
        ),
        (
            Step("startAfterActivity", activity_id="pack"),
            {"type": "startAfterActivity", "activityId": "pack"},
        ),
        (
            Step("startTransition", transition_id="flow_join_shipping"),
            {"type": "startTransition", "transitionId": "flow_join_shipping"},
        ),
        (Step("cancel", activity_id="pack"), {"type": "cancel", "activityId": "pack"}),
        (Step("cancel", activity_instance_id="pack:1"), {"type": "cancel", "activityInstanceId": "pack:1"}),
        (
            Step("cancel", transition_instance_id="charge:2"),
            {"type": "cancel", "transitionInstanceId": "charge:2"},
        ),
        (
            Step(
                "startBeforeActivity",
                activity_id="ship",
                ancestor_activity_instance_id="shipping:1",
                variables=(
                    StepVariable("retries", "Integer", "3"),
                    StepVariable("note", "String", "again", local=True),
                ),
            ),
            {
                "type": "startBeforeActivity",
                "activityId": "ship",
                "ancestorActivityInstanceId": "shipping:1",
                "variables": {
                    "retries": {"type": "Integer", "value": 3},
                    "note": {"type": "String", "value": "again", "local": True},
                },
            },
        ),
    ],
)
def test_each_instruction_becomes_the_engines_instruction(step, body):
    assert instruction_json(step.instruction()) == body


def test_the_plan_keeps_its_order_and_options_in_the_request_body():
    steps = [
        Step("cancel", transition_instance_id="charge:2"),
        Step("startBeforeActivity", activity_id="check_stock"),
    ]
    body = modification_json(
        modification_of(steps, skip_custom_listeners=True, skip_io_mappings=False, annotation="stuck")
    )
    assert body == {
        "skipCustomListeners": True,
        "skipIoMappings": False,
        "instructions": [
            {"type": "cancel", "transitionInstanceId": "charge:2"},
            {"type": "startBeforeActivity", "activityId": "check_stock"},
        ],
        "annotation": "stuck",
    }


def test_a_plan_round_trips_through_the_form_and_moves_its_steps():
    steps = [
        Step("cancel", activity_id="a"),
        Step("cancel", activity_id="b"),
        Step("cancel", activity_id="c"),
    ]
    assert plan_from_json(plan_to_json(steps)) == steps
    assert [s.activity_id for s in _moved(steps, "up-2")] == ["a", "c", "b"]
    assert [s.activity_id for s in _moved(steps, "down-0")] == ["b", "a", "c"]
    assert [s.activity_id for s in _moved(steps, "remove-1")] == ["a", "c"]
    assert _moved(steps, "up-0") == steps and _moved(steps, "remove-9") == steps


def test_a_tampered_or_empty_plan_is_refused_in_words():
    with pytest.raises(PlanError):
        plan_from_json('[{"type": "explode"}]')
    with pytest.raises(PlanError):
        plan_from_json("not json")
    with pytest.raises(PlanError, match="at least one instruction"):
        modification_of([], skip_custom_listeners=False, skip_io_mappings=False, annotation="")
    with pytest.raises(PlanError, match="Integer must be a whole number"):
        Step(
            "startBeforeActivity", activity_id="x", variables=(StepVariable("n", "Integer", "many"),)
        ).instruction()


def test_instructions_read_in_plain_words():
    names = {"charge:2": "Charge card, waiting (charge:2)"}
    assert Step("cancel", transition_instance_id="charge:2").describe(ORDER_MODEL, names) == (
        "Cancel the waiting token Charge card, waiting (charge:2)"
    )
    assert Step("startTransition", transition_id="flow_join_shipping").describe(ORDER_MODEL, {}) == (
        "Start a token on the sequence flow flow_join_shipping (join → Shipping)"
    )
    assert Step("cancel", activity_id="sign#multiInstanceBody").describe(LOAN_MODEL, {}) == (
        "Cancel every instance of Collect signatures (all its instances, the multi-instance body)"
    )


def test_preview_of_cancelling_a_failed_token_and_starting_before_an_earlier_activity():
    result = preview(
        ORDER_MODEL,
        tree(("pack:1", "pack", []), transitions=("charge:2",)),
        [
            Step("cancel", transition_instance_id="charge:2"),
            Step("startBeforeActivity", activity_id="check_stock"),
        ],
    )
    assert [t.id for t in result.cancelled] == ["charge:2"]
    assert [t.name for t in result.started] == ["Check stock"]
    assert result.warnings == [] and not result.ends_instance
    assert result.diagram == {"cancel": ["charge"], "start": ["check_stock"]}


def test_a_scope_left_empty_is_cancelled_with_its_last_token():
    result = preview(
        ORDER_MODEL,
        tree(("shipping:1", "shipping", [("ship:1", "ship", [])])),
        [Step("cancel", activity_instance_id="ship:1"), Step("startBeforeActivity", activity_id="end")],
    )
    assert [t.id for t in result.cancelled] == ["ship:1", "shipping:1"]
    assert "Order delivered is an end event" in " ".join(result.notes)


def test_starting_inside_a_subprocess_enters_it_or_needs_an_ancestor_when_it_runs_twice():
    entered = preview(
        ORDER_MODEL, tree(("pack:1", "pack", [])), [Step("startBeforeActivity", activity_id="ship")]
    )
    assert [t.activity_id for t in entered.started] == ["shipping", "ship"]
    assert "Shipping is entered too" in " ".join(entered.notes)
    twice = tree(
        ("shipping:1", "shipping", [("ship:1", "ship", [])]),
        ("shipping:2", "shipping", [("ship:2", "ship", [])]),
    )
    ambiguous = preview(ORDER_MODEL, twice, [Step("startBeforeActivity", activity_id="await_delivery")])
    assert "Shipping is active 2 times; choose the ancestor" in ambiguous.warnings[0]
    chosen = preview(
        ORDER_MODEL,
        twice,
        [
            Step(
                "startBeforeActivity",
                activity_id="await_delivery",
                ancestor_activity_instance_id="shipping:2",
            )
        ],
    )
    assert chosen.warnings == [] and chosen.started[0].parent == "shipping:2"


def test_multi_instance_cancels_one_inner_instance_or_the_whole_body():
    signing = tree(
        (
            "body:1",
            "sign#multiInstanceBody",
            [("sign:1", "sign", []), ("sign:2", "sign", []), ("sign:3", "sign", [])],
        )
    )
    one = preview(LOAN_MODEL, signing, [Step("cancel", activity_instance_id="sign:2")])
    assert [t.id for t in one.cancelled] == ["sign:2"] and not one.ends_instance
    body = preview(LOAN_MODEL, signing, [Step("cancel", activity_id="sign#multiInstanceBody")])
    assert {t.id for t in body.cancelled} == {"body:1", "sign:1", "sign:2", "sign:3"}
    assert body.ends_instance and body.warnings == [
        "No token is left afterwards: the process instance will end."
    ]


def test_start_after_an_activity_with_two_ways_out_is_flagged():
    result = preview(
        ORDER_MODEL, tree(("pack:1", "pack", [])), [Step("startAfterActivity", activity_id="split")]
    )
    assert "has 2 outgoing sequence flows" in result.warnings[0]


def test_cancelling_what_an_earlier_instruction_cancelled_is_flagged():
    result = preview(
        ORDER_MODEL,
        tree(("pack:1", "pack", [])),
        [Step("cancel", activity_id="pack"), Step("cancel", activity_instance_id="pack:1")],
    )
    assert "pack:1 is not active (any more); the engine will refuse." in result.warnings[0]


def test_a_token_started_before_a_join_waits_there_for_the_other_branch():
    result = preview(
        ORDER_MODEL,
        tree(("pack:1", "pack", []), transitions=("charge:2",)),
        [
            Step("cancel", transition_instance_id="charge:2"),
            Step("startBeforeActivity", activity_id="join"),
        ],
    )
    words = " ".join(result.notes)
    assert "the token waits in join for 1 more token" in words
    assert "does not wait" not in words and "moves on" not in words
    assert [(t.activity_id, t.parent) for t in result.started] == [("join", "pi")]
    assert result.warnings == [] and not result.ends_instance


def test_a_second_token_at_the_join_passes_it_into_the_subprocess():
    result = preview(
        ORDER_MODEL,
        tree(("pack:1", "pack", [])),
        [Step("startBeforeActivity", activity_id="join"), Step("startBeforeActivity", activity_id="join")],
    )
    assert sorted(t.activity_id for t in result.tokens) == ["pack", "ship", "shipping"]
    assert [t.activity_id for t in result.started] == ["shipping", "ship"]


def test_a_multi_instance_of_an_expression_or_of_none_is_previewed_honestly():
    by_expression = parse_model(
        LOAN.to_xml().replace(">3</bpmn:loopCardinality>", ">${n}</bpmn:loopCardinality>")
    )
    result = preview(
        by_expression,
        tree(("review:1", "review", [])),
        [Step("startBeforeActivity", activity_id="sign#multiInstanceBody")],
    )
    assert sorted(t.activity_id for t in result.tokens) == ["review", "sign", "sign#multiInstanceBody"]
    assert "as many instances as its collection or cardinality expression gives" in " ".join(result.notes)
    none = parse_model(LOAN.to_xml().replace(">3</bpmn:loopCardinality>", ">0</bpmn:loopCardinality>"))
    result = preview(
        none,
        tree(("review:1", "review", [])),
        [Step("startBeforeActivity", activity_id="sign#multiInstanceBody")],
    )
    # No instances: the body is done at once and its token moves on to the timer.
    assert sorted(t.activity_id for t in result.tokens) == ["cooling_off", "review"]


GATEWAYS = """<?xml version="1.0"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
  <process id="gates" isExecutable="true">
    <startEvent id="start"/>
    <inclusiveGateway id="fork"/>
    <userTask id="a" name="A"/>
    <manualTask id="b" name="B"/>
    <serviceTask id="c" name="C" camunda:type="external" camunda:topic="t"/>
    <inclusiveGateway id="merge"/>
    <exclusiveGateway id="choose" name="Choose"/>
    <userTask id="after" name="After"/>
    <endEvent id="stop" name="Stop"><terminateEventDefinition/></endEvent>
    <sequenceFlow id="f1" sourceRef="start" targetRef="fork"/>
    <sequenceFlow id="f2" sourceRef="fork" targetRef="a"/>
    <sequenceFlow id="f3" sourceRef="fork" targetRef="b"/>
    <sequenceFlow id="f4" sourceRef="a" targetRef="merge"/>
    <sequenceFlow id="f5" sourceRef="b" targetRef="merge"/>
    <sequenceFlow id="f6" sourceRef="merge" targetRef="choose"/>
    <sequenceFlow id="f7" sourceRef="choose" targetRef="after"/>
    <sequenceFlow id="f8" sourceRef="choose" targetRef="stop"/>
    <sequenceFlow id="f9" sourceRef="c" targetRef="after"/>
  </process>
</definitions>"""


def test_an_inclusive_join_waits_only_while_another_token_can_still_reach_it():
    model = parse_model(GATEWAYS)
    waits = preview(model, tree(("a:1", "a", [])), [Step("startBeforeActivity", activity_id="b")])
    # B is a manual task (passed at once); A can still reach the merge, so the token waits there.
    assert sorted(t.activity_id for t in waits.tokens) == ["a", "merge"] and not waits.partial
    goes = preview(model, tree(("c:1", "c", [])), [Step("startBeforeActivity", activity_id="b")])
    # Nothing else can reach the merge: it passes, and the exclusive gateway after it decides.
    assert goes.partial and "Choose chooses its way by conditions" in goes.warnings[0]
    assert model.nodes["c"].external and sorted(t.activity_id for t in goes.tokens) == ["c"]


def test_a_terminate_end_event_cancels_its_scope():
    model = parse_model(GATEWAYS)
    result = preview(
        model, tree(("a:1", "a", []), ("c:1", "c", [])), [Step("startBeforeActivity", activity_id="stop")]
    )
    assert result.tokens == [] and result.ends_instance
    assert {t.id for t in result.cancelled} == {"a:1", "c:1"}
