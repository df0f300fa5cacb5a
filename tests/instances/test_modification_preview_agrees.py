"""The wizard's preview against the engine: for each scenario the tree the preview predicts is the
tree the engine leaves, and both are what Camunda 7 does (the expected column, read off its
source: joins count tokens, start before an asynchronous activity leaves a job, a missing
multi-instance body is created with one inner instance, a scope left empty goes too, …).

The table runs on the demo engine and on real Camunda 7.24 (`-m "not real_engine"` leaves that out).
"""

from __future__ import annotations

import itertools
import re
import time

import pytest

from engines import build_client
from engines.bpmn import parse_model
from engines.errors import EngineResponseError, NotFound, OptimisticLockingConflict
from engines.models import ActivityInstance
from engines.queries import Instruction, Modification, ProcessInstanceQuery
from instances.modification import Step, preview
from tests.demo_engine.conftest import _client, start_server, stop_server

BODY = "#multiInstanceBody"
TIMERS = {"await_delivery", "cooling_off"}


class DemoEngine:
    """The demo engine: scenes are set on its seeded instances, one instance each."""

    def __init__(self, client) -> None:
        self.client = client
        self.taken = itertools.count()

    def new_instance(self, key: str) -> str:
        query = ProcessInstanceQuery(process_definition_key=key, suspended=False)
        return self.client.list_instances(query, offset=next(self.taken), limit=1)[0].id


class RealCamunda:
    """Real Camunda 7.24: each scene on an instance of its own, started for it. Its job executor
    runs asynchronous continuations at once, so the delegate is told to fail there for good
    (the token then stays a transition instance, as in the demo engine's data)."""

    FAILS_AT = {"order": "charge", "loan": "pay_out"}

    def __init__(self, client, real) -> None:
        self.client, self.real = client, real

    def new_instance(self, key: str) -> str:
        variables = {
            "failAt": {"value": self.FAILS_AT[key], "type": "String"},
            "failure": {"value": "persists", "type": "String"},
            "approved": {"value": True, "type": "Boolean"},
        }
        with self.real.http() as http:
            # POST /process-definition/{id}/start
            answer = http.post(
                f"/process-definition/{self.real.seeded.definitions[f'{key}:1']}/start",
                json={"variables": variables},
            )
        answer.raise_for_status()
        return answer.json()["id"]


@pytest.fixture(scope="module")
def demo_server():
    server = start_server(120, seed=23)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def demo(demo_server):
    client = _client(demo_server, [])
    yield DemoEngine(client)
    client.close()


@pytest.fixture(scope="module")
def camunda7(camunda7_engine):
    client = build_client(camunda7_engine.config)
    yield RealCamunda(client, camunda7_engine)
    client.close()


@pytest.fixture(params=["demo", pytest.param("camunda7", marks=pytest.mark.real_engine)], scope="module")
def engine(request):
    return request.getfixturevalue(request.param)


# --- the trees, as comparable shapes ----------------------------------------------------------------


def engine_shape(tree: ActivityInstance) -> tuple:
    def inner(node: ActivityInstance) -> tuple:
        items = [(c.activity_id, False, inner(c)) for c in node.children]
        items += [(t.activity_id, True, ()) for t in node.transitions]
        return tuple(sorted(items))

    return inner(tree)


def preview_shape(result, root: str) -> tuple:
    def inner(parent: str) -> tuple:
        return tuple(
            sorted((t.activity_id, t.transition, inner(t.id)) for t in result.tokens if t.parent == parent)
        )

    return inner(root)


def written(text: str) -> tuple:
    """A shape written down: `pack join shipping(ship) charge*` (* a waiting transition instance)."""
    tokens = re.findall(r"[^\s()]+|[()]", text)
    position = 0

    def items() -> tuple:
        nonlocal position
        found = []
        while position < len(tokens) and tokens[position] != ")":
            name = tokens[position]
            position += 1
            children: tuple = ()
            if position < len(tokens) and tokens[position] == "(":
                position += 1
                children = items()
                position += 1  # the ")"
            found.append((name.rstrip("*"), name.endswith("*"), children))
        return tuple(sorted(found))

    return items()


# --- the scenarios ------------------------------------------------------------------------------------

S = Step
SCENARIOS = [
    # (name, definition key, activities started to set the scene, the plan, the tree expected after)
    ("join waits for the other token (issue 15.3)", "order", ["pack", "charge"],
     [S("cancel", transition_instance_id="@charge"), S("startBeforeActivity", activity_id="join")],
     "pack join"),
    ("a second token at the join passes it", "order", ["pack"],
     [S("startBeforeActivity", activity_id="join"), S("startBeforeActivity", activity_id="join")],
     "pack shipping(ship)"),
    ("a token joining one already waiting passes the join", "order", ["pack", "join"],
     [S("cancel", activity_id="pack"), S("startBeforeActivity", activity_id="join")],
     "shipping(ship)"),
    ("start after an activity arrives at the join and waits", "order", ["pack", "charge"],
     [S("cancel", activity_instance_id="@pack"), S("startAfterActivity", activity_id="pack")],
     "charge* join"),
    ("start on the flow into a join with a waiting token", "order", ["join", "charge"],
     [S("cancel", activity_id="charge"), S("startTransition", transition_id="flow_charge_join")],
     "shipping(ship)"),
    ("a join waits even with no other branch active", "order", ["check_stock"],
     [S("startBeforeActivity", activity_id="join")],
     "check_stock join"),
    ("start after the join takes its one outgoing flow", "order", ["pack"],
     [S("startAfterActivity", activity_id="join")],
     "pack shipping(ship)"),
    ("start on the flow into a subprocess enters it by its start event", "order", ["check_stock"],
     [S("startTransition", transition_id="flow_join_shipping")],
     "check_stock shipping(ship)"),
    ("start before the fork starts both branches", "order", ["check_stock"],
     [S("cancel", activity_id="check_stock"), S("startBeforeActivity", activity_id="split")],
     "pack charge*"),
    ("start before an asynchronous activity leaves a job", "order", ["pack"],
     [S("startBeforeActivity", activity_id="charge")],
     "pack charge*"),
    ("a missing subprocess is entered without its start event", "order", ["check_stock"],
     [S("startBeforeActivity", activity_id="ship")],
     "check_stock shipping(ship)"),
    ("start before a subprocess runs its start event", "order", ["check_stock"],
     [S("cancel", activity_id="check_stock"), S("startBeforeActivity", activity_id="shipping")],
     "shipping(ship)"),
    ("start before a subprocess's start event", "order", ["check_stock"],
     [S("startBeforeActivity", activity_id="ship_start")],
     "check_stock shipping(ship)"),
    ("start before a timer event waits there", "order", ["ship"],
     [S("startBeforeActivity", activity_id="await_delivery")],
     "shipping(ship await_delivery)"),
    ("an end event inside a busy subprocess ends only its token", "order", ["ship"],
     [S("startBeforeActivity", activity_id="ship_end")],
     "shipping(ship)"),
    ("an end event in an emptied scope completes it and the process", "order", ["ship"],
     [S("cancel", activity_instance_id="@ship"), S("startBeforeActivity", activity_id="ship_end")],
     "ended"),
    ("an end event of a subprocess moves on after it", "order", ["check_stock", "ship"],
     [S("cancel", activity_id="ship"), S("startBeforeActivity", activity_id="ship_end")],
     "check_stock"),
    ("cancelling one of two tokens in a subprocess keeps it", "order", ["ship", "await_delivery"],
     [S("cancel", activity_id="ship")],
     "shipping(await_delivery)"),
    ("cancelling a subprocess's last token cancels the subprocess", "order", ["check_stock", "ship"],
     [S("cancel", activity_instance_id="@ship")],
     "check_stock"),
    ("cancelling the subprocess cancels what it holds", "order", ["check_stock", "ship", "await_delivery"],
     [S("cancel", activity_instance_id="@shipping")],
     "check_stock"),
    ("cancelling everything, then starting, keeps the instance", "order", ["pack", "charge"],
     [S("cancel", activity_id="pack"), S("cancel", activity_id="charge"),
      S("startBeforeActivity", activity_id="check_stock")],
     "check_stock"),
    ("cancelling every token ends the instance", "order", ["pack", "charge"],
     [S("cancel", activity_id="pack"), S("cancel", transition_instance_id="@charge")],
     "ended"),
    ("an end event on the process level with other tokens", "order", ["pack", "charge"],
     [S("startBeforeActivity", activity_id="end")],
     "pack charge*"),
    ("two scopes without an ancestor are refused", "order", ["shipping", "shipping"],
     [S("startBeforeActivity", activity_id="await_delivery")],
     "refused"),
    ("two scopes with an ancestor start in the one named", "order", ["shipping", "shipping"],
     [S("startBeforeActivity", activity_id="await_delivery", ancestor_activity_instance_id="@shipping#2")],
     "shipping(ship) shipping(ship await_delivery)"),
    ("a start inside an emptied scope's ancestor is refused", "order", ["check_stock", "ship"],
     [S("cancel", activity_id="ship"),
      S("startBeforeActivity", activity_id="await_delivery", ancestor_activity_instance_id="@shipping")],
     "refused"),
    ("start before a multi-instance body starts all its instances", "loan", ["review"],
     [S("startBeforeActivity", activity_id="sign" + BODY)],
     "review sign#multiInstanceBody(sign sign sign)"),
    ("start before the inner activity adds one instance to the body", "loan", ["sign" + BODY],
     [S("startBeforeActivity", activity_id="sign")],
     "sign#multiInstanceBody(sign sign sign sign)"),
    ("start before the inner activity in the body named", "loan", ["sign" + BODY],
     [S("startBeforeActivity", activity_id="sign", ancestor_activity_instance_id="@sign" + BODY)],
     "sign#multiInstanceBody(sign sign sign sign)"),
    ("start before the inner activity without a body creates one with one instance", "loan", ["review"],
     [S("startBeforeActivity", activity_id="sign")],
     "review sign#multiInstanceBody(sign)"),
    ("two bodies without an ancestor are refused", "loan", ["sign" + BODY, "sign" + BODY],
     [S("startBeforeActivity", activity_id="sign")],
     "refused"),
    ("cancelling one inner instance keeps the body", "loan", ["sign" + BODY],
     [S("cancel", activity_instance_id="@sign")],
     "sign#multiInstanceBody(sign sign)"),
    ("cancelling every inner instance cancels the body", "loan", ["review", "sign" + BODY],
     [S("cancel", activity_id="sign")],
     "review"),
    ("cancelling the body cancels its instances", "loan", ["review", "sign" + BODY],
     [S("cancel", activity_id="sign" + BODY)],
     "review"),
    ("start on the flow into a multi-instance starts its body with all instances", "loan", ["review"],
     [S("startTransition", transition_id="flow_decide_sign")],
     "review sign#multiInstanceBody(sign sign sign)"),
    ("start after the body takes its outgoing flow", "loan", ["review"],
     [S("startAfterActivity", activity_id="sign" + BODY)],
     "review cooling_off"),
    ("start after the inner activity is refused: the body owns the flows", "loan", ["review"],
     [S("startAfterActivity", activity_id="sign")],
     "refused"),
    ("start after an activity with two ways out is refused", "loan", ["review"],
     [S("startAfterActivity", activity_id="decide")],
     "refused"),
    ("cancelling a waiting job's token and starting it again", "loan", ["pay_out"],
     [S("cancel", transition_instance_id="@pay_out"), S("startBeforeActivity", activity_id="pay_out")],
     "pay_out*"),
    ("start on a flow into an asynchronous activity leaves a job", "loan", ["cooling_off"],
     [S("cancel", activity_id="cooling_off"), S("startTransition", transition_id="flow_cooling_off_pay_out")],
     "pay_out*"),
    ("cancelling an activity that is not active changes nothing", "order", ["pack"],
     [S("cancel", activity_id="ship")],
     "pack"),
    ("an activity instance cancelled twice is refused", "order", ["pack", "check_stock"],
     [S("cancel", activity_id="pack"), S("cancel", activity_instance_id="@pack")],
     "refused"),
]  # fmt: skip


def scene(engine, key: str, starts: list[str]) -> ActivityInstance:
    """An instance of key holding exactly the tokens started (its own tokens cancelled first)."""
    instance_id = engine.new_instance(key)
    instructions = [Instruction("cancel", activity_instance_id=instance_id)]
    for n, activity in enumerate(starts):
        # The same scope twice: the second needs the process instance as its ancestor, or the
        # engine would find the first and start inside it.
        again = activity in starts[:n]
        instructions.append(
            Instruction(
                "startBeforeActivity",
                activity_id=activity,
                ancestor_activity_instance_id=instance_id if again else None,
            )
        )
    modify(engine.client, instance_id, instructions)
    return engine.client.activity_instance_tree(instance_id)


def modify(client, instance_id: str, instructions) -> None:
    """A modification, tried again while a real engine's job executor holds the same rows (a failing
    charge's job, the called credit check's): the engine applies all of it or nothing, so trying
    again is safe, and the conflict is not the engine's verdict on the plan."""
    for attempt in range(10):
        try:
            client.modify_instance(instance_id, Modification(instructions=tuple(instructions)))
            return
        except OptimisticLockingConflict:
            if attempt == 9:
                raise
            time.sleep(0.2 * (attempt + 1))


def resolved(step: Step, tree: ActivityInstance) -> Step:
    """Placeholders `@activity` (`@activity#n` for the n-th) become ids from the tree."""

    def instance_of(reference: str, *, transition: bool) -> str:
        if not reference.startswith("@"):
            return reference
        activity, _, nth = reference[1:].partition("#")
        if nth and not nth.isdigit():
            activity, nth = f"{activity}#{nth}", ""
        found = [
            item.id
            for node in tree.walk()
            for item in (node.transitions if transition else node.children)
            if item.activity_id == activity
        ]
        return found[int(nth or 1) - 1]

    return Step(
        step.type,
        activity_id=step.activity_id,
        transition_id=step.transition_id,
        activity_instance_id=instance_of(step.activity_instance_id, transition=False),
        transition_instance_id=instance_of(step.transition_instance_id, transition=True),
        ancestor_activity_instance_id=instance_of(step.ancestor_activity_instance_id, transition=False),
    )


@pytest.mark.parametrize(
    ("key", "starts", "plan", "expected"),
    [pytest.param(*rest, id=name) for name, *rest in SCENARIOS],
)
def test_the_preview_predicts_the_tree_the_engine_leaves(engine, key, starts, plan, expected):
    before = scene(engine, key, starts)
    client = engine.client
    model = parse_model(client.definition_xml(before.process_definition_id or before.activity_id))
    steps = [resolved(step, before) for step in plan]

    predicted = preview(model, before, steps)
    try:
        modify(client, before.id, [s.instruction() for s in steps])
    except EngineResponseError as refusal:
        outcome = "refused"
        assert engine_shape(client.activity_instance_tree(before.id)) == engine_shape(before), refusal
    else:
        try:
            after = client.activity_instance_tree(before.id)
        except NotFound:
            outcome = "ended"
        else:
            outcome = engine_shape(after)
            # Each token waiting before an asynchronous activity, and each at a timer, has its job.
            waiting = sum(len(node.transitions) for node in after.walk())
            timers = sum(node.activity_id in TIMERS for node in after.walk())
            assert len(client.list_jobs(process_instance_id=before.id)) == waiting + timers

    if expected in ("refused", "ended"):
        assert outcome == expected
    else:
        assert outcome == written(expected)
    if outcome == "refused":
        assert predicted.refused, predicted.warnings
    else:
        assert not predicted.refused, predicted.warnings
        assert predicted.ends_instance == (outcome == "ended")
        if outcome != "ended":
            assert preview_shape(predicted, before.id) == outcome
