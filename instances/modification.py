"""The modification wizard's plan: instructions as the person builds them, in words, and a preview.

The plan travels with the form (a JSON list in a hidden field), so every step of the wizard is
a round trip that loses nothing the person entered. The preview replays the instructions on
the activity instance tree the way Camunda 7 does: cancelled scopes take their content along and
a scope left empty goes too; a start creates missing parent scopes (a multi-instance body with a
single inner instance), needs an ancestor where a scope is active more than once, and moves the
token on like the engine: waits in a job before an asynchronous activity, at a user task, a
catch event or a call activity; passes a fork; waits at a parallel join until as many tokens as
it has incoming flows are there (tokens are counted, not the flows they came by); completes a
scope at its end event. Where the way depends on conditions, the preview says so and stops.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from engines.bpmn import BpmnModel, FlowNode
from engines.models import ActivityInstance
from engines.queries import Instruction, InstructionKind, Modification, StartVariable
from engines.variables import TypedValue, VariableValueError, parse_input

BODY = "#multiInstanceBody"
TYPES = {
    "startBeforeActivity": "Start before",
    "startAfterActivity": "Start after",
    "startTransition": "Start on a sequence flow",
    "cancel": "Cancel",
}
# Each step type as the instruction kind an engine declares it can execute, and in words for a note
# where it cannot.
KIND_OF = {
    "startBeforeActivity": InstructionKind.START_BEFORE_ACTIVITY,
    "startAfterActivity": InstructionKind.START_AFTER_ACTIVITY,
    "startTransition": InstructionKind.START_TRANSITION,
    "cancel": InstructionKind.CANCEL,
}
CANNOT = {
    "startBeforeActivity": "start before an activity",
    "startAfterActivity": "start after an activity",
    "startTransition": "start on a sequence flow",
    "cancel": "cancel activity instances",
}


def offered_types(instructions: frozenset[InstructionKind]) -> list[tuple[str, str]]:
    """The step types the engine can execute, for the wizard's choice."""
    return [(name, label) for name, label in TYPES.items() if KIND_OF[name] in instructions]


def missing_types_note(instructions: frozenset[InstructionKind]) -> str:
    """Why the wizard offers fewer instructions than it knows ("" when it offers them all)."""
    missing = [CANNOT[name] for name in TYPES if KIND_OF[name] not in instructions]
    return f"This engine cannot {' or '.join(missing)}." if missing else ""


# Where a token stops by itself (BPMN element names); any other node is passed at once.
WAITS = {"userTask", "receiveTask", "intermediateCatchEvent", "eventBasedGateway", "callActivity"}
# Nodes whose way on depends on conditions the preview does not evaluate.
DECIDES = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}
RUNS_CODE = {"serviceTask", "scriptTask", "businessRuleTask", "sendTask"}
REFUSED = "the engine will refuse"
# A plan that moves a token round a loop without a wait state would never stop.
MOVES = 500


IDS = (
    "activity_id",
    "transition_id",
    "activity_instance_id",
    "transition_instance_id",
    "ancestor_activity_instance_id",
)
MAX_STEPS = 1000  # more than anyone builds by hand; the plan travels in every form post


class PlanError(ValueError):
    """The plan cannot be carried out as it stands; the message says why, for the person."""


@dataclass(frozen=True)
class StepVariable:
    name: str
    type: str
    value: str
    local: bool = False


@dataclass(frozen=True)
class Step:
    """One instruction, as typed (JSON-able: it round-trips through the form)."""

    type: str
    activity_id: str = ""
    transition_id: str = ""
    activity_instance_id: str = ""
    transition_instance_id: str = ""
    ancestor_activity_instance_id: str = ""
    variables: tuple[StepVariable, ...] = ()

    @classmethod
    def from_dict(cls, data: Any, number: int = 1) -> Step:
        """One instruction of a plan that came back with the form: refused in words unless it is
        exactly what the wizard itself writes (the hidden field can hold anything)."""
        if not isinstance(data, dict) or not isinstance(data.get("type"), str) or data["type"] not in TYPES:
            raise PlanError("The plan holds an instruction of no known type; start the plan again.")
        known = {}
        for name in IDS:
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise PlanError(
                    f"The plan's instruction {number} holds an unreadable {name}; start the plan again."
                )
            known[name] = value or ""
        raw = data.get("variables")
        if raw is None:
            raw = []
        if not isinstance(raw, list) or not all(_is_variable(v) for v in raw):
            raise PlanError(
                f"The plan's instruction {number} holds unreadable variables; start the plan again."
            )
        variables = tuple(
            StepVariable(v["name"], v["type"], v.get("value") or "", bool(v.get("local"))) for v in raw
        )
        step = cls(type=data["type"], variables=variables, **known)
        step.check(number)
        return step

    def check(self, number: int) -> None:
        """An instruction names what its type needs (as the add form insists)."""
        if self.type == "cancel" and not (
            self.activity_id or self.activity_instance_id or self.transition_instance_id
        ):
            raise PlanError(
                f"The plan's instruction {number} says nothing to cancel: it needs an activity "
                "or one of its instances."
            )
        if self.type in ("startBeforeActivity", "startAfterActivity") and not self.activity_id:
            raise PlanError(f"The plan's instruction {number} names no activity to start at.")
        if self.type == "startTransition" and not self.transition_id:
            raise PlanError(f"The plan's instruction {number} names no sequence flow to start on.")
        if self.type == "cancel" and self.variables:
            raise PlanError(f"The plan's instruction {number} sets variables, which only a start can.")

    @property
    def instance_specific(self) -> bool:
        """Whether it names things of one instance (so it cannot be applied to many)."""
        return bool(
            self.activity_instance_id
            or self.transition_instance_id
            or self.ancestor_activity_instance_id
            or self.variables
        )

    def instruction(self) -> Instruction:
        variables = None
        if self.variables:
            variables = {}
            for variable in self.variables:
                try:
                    value = parse_value(variable.type, variable.value)
                except VariableValueError as error:
                    raise PlanError(f"Variable {variable.name}: {error}") from None
                variables[variable.name] = StartVariable(value, local=variable.local)
        return Instruction(
            type=KIND_OF[self.type],
            activity_id=self.activity_id or None,
            transition_id=self.transition_id or None,
            activity_instance_id=self.activity_instance_id or None,
            transition_instance_id=self.transition_instance_id or None,
            ancestor_activity_instance_id=self.ancestor_activity_instance_id or None,
            variables=variables,
        )

    def describe(self, model: BpmnModel, names: dict[str, str]) -> str:
        """The instruction in plain words."""

        def named(node_id: str) -> str:
            return names.get(node_id, node_id)

        if self.type == "startTransition":
            flow = model.flows.get(self.transition_id)
            where = (
                f"the sequence flow {flow.name or flow.id} "
                f"({model.title(flow.source)} → {model.title(flow.target)})"
                if flow
                else f"the sequence flow {self.transition_id}"
            )
            text = f"Start a token on {where}"
        elif self.type == "cancel":
            if self.activity_instance_id:
                text = f"Cancel the activity instance {named(self.activity_instance_id)}"
            elif self.transition_instance_id:
                text = f"Cancel the waiting token {named(self.transition_instance_id)}"
            else:
                text = f"Cancel every instance of {activity_title(model, self.activity_id)}"
        else:
            where = "before" if self.type == "startBeforeActivity" else "after"
            text = f"Start {where} {activity_title(model, self.activity_id)}"
        if self.ancestor_activity_instance_id:
            text += f", inside {named(self.ancestor_activity_instance_id)}"
        if self.variables:
            text += ", with " + ", ".join(
                f"{v.name} = {v.value!r} ({v.type}{', local' if v.local else ''})" for v in self.variables
            )
        return text


def parse_value(type_name: str, text: str) -> TypedValue:
    """A typed variable value of a start instruction; a value nested too deeply to handle safely
    (it would exhaust the parser) is refused like any other bad value."""
    try:
        return parse_input(type_name, text)
    except RecursionError:
        raise VariableValueError(f"the {type_name} value is nested too deeply") from None


def activity_title(model: BpmnModel, activity_id: str) -> str:
    if activity_id.endswith(BODY):
        return f"{model.title(activity_id.removesuffix(BODY))} (all its instances, the multi-instance body)"
    return model.title(activity_id)


def _is_variable(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("name"), str)
        and bool(value["name"].strip())
        and isinstance(value.get("type"), str)
        and bool(value["type"])
        and isinstance(value.get("value", ""), str)
        and isinstance(value.get("local", False), bool)
    )


def plan_from_json(text: str) -> list[Step]:
    if not text.strip():
        return []
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than any plan is
        raise PlanError("The plan could not be read; start it again.") from None
    if not isinstance(raw, list):
        raise PlanError("The plan could not be read; start it again.")
    if len(raw) > MAX_STEPS:
        raise PlanError(f"The plan has too many instructions (at most {MAX_STEPS}); start it again.")
    return [Step.from_dict(item, number) for number, item in enumerate(raw, start=1)]


def plan_to_json(steps: list[Step]) -> str:
    return json.dumps([asdict(step) for step in steps])


def modification_of(
    steps: list[Step], *, skip_custom_listeners: bool, skip_io_mappings: bool, annotation: str
) -> Modification:
    if not steps:
        raise PlanError("Add at least one instruction.")
    return Modification(
        instructions=tuple(step.instruction() for step in steps),
        skip_custom_listeners=skip_custom_listeners,
        skip_io_mappings=skip_io_mappings,
        annotation=annotation or None,
    )


# --- the preview ------------------------------------------------------------------------------------


@dataclass
class Token:
    id: str
    activity_id: str
    parent: str | None
    name: str = ""
    transition: bool = False
    new: bool = False


@dataclass
class Preview:
    """What the plan does to one instance: what is cancelled, what starts, and what to beware of."""

    cancelled: list[Token] = field(default_factory=list)
    started: list[Token] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ends_instance: bool = False
    # The engine would refuse the plan (and change nothing); the replay stops there.
    refused: bool = False
    # The replay stopped where it could not know the way on (a condition); the picture is partial.
    partial: bool = False
    # The tokens afterwards: the predicted activity instance tree (parent ids link it up).
    tokens: list[Token] = field(default_factory=list)

    @property
    def diagram(self) -> dict[str, list[str]]:
        """Activity ids to mark on the diagram."""
        bare = lambda tokens: sorted({t.activity_id.removesuffix(BODY) for t in tokens})  # noqa: E731
        return {"cancel": bare(self.cancelled), "start": bare(self.started)}

    def afterwards(self, root: str) -> list[tuple[int, Token]]:
        """The predicted tree, depth first, each token with its depth (0: in the process instance)."""
        found: list[tuple[int, Token]] = []

        def under(parent: str, depth: int) -> None:
            for token in self.tokens:
                if token.parent == parent:
                    found.append((depth, token))
                    under(token.id, depth + 1)

        under(root, 0)
        return found


class _Stop(Exception):
    """The replay cannot go on: the engine would refuse, or the way on is not known."""


class _Replay:
    """The activity instance tree as the engine would change it, instruction by instruction."""

    def __init__(self, model: BpmnModel, tree: ActivityInstance) -> None:
        self.model = model
        self.root = tree.id
        self.tokens: dict[str, Token] = {}
        self.counter = 0
        self.number = 0
        self.moves = 0

        def keep(node_id: str, activity_id: str, parent: str | None, *, transition: bool = False) -> None:
            self.tokens[node_id] = Token(
                node_id,
                activity_id,
                parent or self.root,
                activity_title(model, activity_id),
                transition=transition,
            )

        def add(item: ActivityInstance, parent: str | None) -> None:
            for child in item.children:
                keep(child.id, child.activity_id or "", parent)
                add(child, child.id)
            for transition in item.transitions:
                keep(transition.id, transition.activity_id or "", parent, transition=True)

        add(tree, None)
        self.preview = Preview()

    # --- words ---

    def note(self, text: str) -> None:
        self.preview.notes.append(f"Instruction {self.number}: {text}")

    def refuse(self, text: str) -> None:
        self.preview.warnings.append(f"Instruction {self.number}: {text}")
        self.preview.refused = True
        raise _Stop

    def unknown(self, text: str) -> None:
        self.preview.warnings.append(f"Instruction {self.number}: {text}")
        self.preview.partial = True
        raise _Stop

    def title(self, node_id: str) -> str:
        return self.model.title(node_id)

    # --- the tree ---

    def children(self, parent: str) -> list[Token]:
        return [t for t in self.tokens.values() if t.parent == parent]

    def _new(self, activity_id: str, parent: str, *, transition: bool = False) -> Token:
        self.counter += 1
        token = Token(
            f"new-{self.counter}",
            activity_id,
            parent,
            activity_title(self.model, activity_id),
            transition=transition,
            new=True,
        )
        self.tokens[token.id] = token
        self.preview.started.append(token)
        return token

    def _drop(self, token: Token) -> None:
        """A token that moves on (a join passed, a scope completed): neither cancelled nor left."""
        self.tokens.pop(token.id, None)
        if token in self.preview.started:
            self.preview.started.remove(token)

    def cancel(self, token: Token, *, inner: bool = False) -> None:
        self.tokens.pop(token.id, None)
        for child in self.children(token.id):
            self.cancel(child, inner=True)
        if not token.new:
            self.preview.cancelled.append(token)
        elif token in self.preview.started:
            self.preview.started.remove(token)
        parent = self.tokens.get(token.parent or "")
        if not inner and parent is not None and not self.children(parent.id):
            self.cancel(parent)  # a scope left empty goes too

    # --- starting ---

    def start_before(self, activity_id: str, ancestor: str) -> None:
        bare = activity_id.removesuffix(BODY)
        node = self.model.nodes.get(bare)
        if node is None or (activity_id.endswith(BODY) and not node.multi_instance):
            self.refuse(f"the definition has no activity {activity_id}; {REFUSED}.")
        inner = node.multi_instance and not activity_id.endswith(BODY)
        parent = self.scope_for(node, ancestor, inner=inner)
        if inner:
            self.activate(node, parent)  # one more inner instance
        else:
            self.arrive(node.id, parent)

    def start_on(self, flow_id: str, ancestor: str) -> None:
        flow = self.model.flows.get(flow_id)
        target = self.model.nodes.get(flow.target) if flow else None
        if target is None:
            self.refuse(f"the definition has no sequence flow {flow_id}; {REFUSED}.")
        self.arrive(target.id, self.scope_for(target, ancestor, inner=False))

    def start_after(self, activity_id: str, ancestor: str) -> None:
        bare = activity_id.removesuffix(BODY)
        node = self.model.nodes.get(bare)
        if node is None:
            self.refuse(f"the definition has no activity {activity_id}; {REFUSED}.")
        # A multi-instance activity's sequence flows belong to its body, not to the inner activity.
        outgoing = [] if node.multi_instance and not activity_id.endswith(BODY) else self.model.outgoing(bare)
        if len(outgoing) != 1:
            self.refuse(
                f"{activity_title(self.model, activity_id)} has {len(outgoing)} outgoing sequence flows; "
                "the engine can start after an activity only with exactly one, so it will refuse. "
                + (
                    "Start after its multi-instance body instead."
                    if node.multi_instance and not activity_id.endswith(BODY)
                    else "Start on one of its sequence flows instead."
                )
            )
        self.start_on(outgoing[0].id, ancestor)

    def scope_for(self, node: FlowNode, ancestor: str, *, inner: bool) -> str:
        """The activity instance to start in: the ancestor, the one active scope, or new scopes."""
        chain = ([node.id + BODY] if inner else []) + self.model.scopes_of(node.id)  # innermost first
        parent, missing = self.root, list(reversed(chain))
        if ancestor and ancestor != self.root:
            found = self.tokens.get(ancestor)
            if found is None:
                self.refuse(f"the ancestor {ancestor} will be gone; {REFUSED}.")
            if found.activity_id not in chain:
                self.refuse(f"{ancestor} does not contain {node.title}; {REFUSED}.")
            parent, missing = ancestor, list(reversed(chain[: chain.index(found.activity_id)]))
        elif not ancestor:
            for depth, scope in enumerate(chain):
                found = [t for t in self.tokens.values() if t.activity_id == scope and not t.transition]
                if len(found) > 1:
                    self.refuse(
                        f"{activity_title(self.model, scope)} is active {len(found)} times; "
                        f"choose the ancestor to start in, or {REFUSED}."
                    )
                if found:
                    parent, missing = found[0].id, list(reversed(chain[:depth]))
                    break
        if inner and node.sequential and node.id + BODY not in missing:
            self.refuse(
                f"{node.title} is a sequential multi-instance: its body runs one instance at a time; "
                f"{REFUSED}."
            )
        for scope in missing:
            if scope.endswith(BODY):
                self.note(f"{node.title} gets a multi-instance body holding only this one instance.")
            else:
                self.note(f"{self.title(scope)} is entered too (its start event won't run).")
            parent = self._new(scope, parent).id
        return parent

    # --- moving on, as the engine does ---

    def arrive(self, node_id: str, parent: str) -> None:
        """A token reaches a node (by a start or along a flow)."""
        node = self.model.nodes.get(node_id)
        if node is None:
            self.unknown(f"the token reaches {node_id}, which the definition does not describe.")
        if node.multi_instance:
            if node.async_before:
                self._new(node.id + BODY, parent, transition=True)
                self.note(f"{node.title} is asynchronous: the token waits in a job before it.")
                return
            body = self._new(node.id + BODY, parent)
            count = 1 if node.sequential else node.cardinality
            if count is None:
                self.note(
                    f"{node.title} starts as many instances as its collection or cardinality expression "
                    "gives; the preview shows one."
                )
                count = 1
            for _ in range(count):
                self.activate(node, body.id)
            if not count:
                self.scope_done(body.id)  # no instances at all: the body is done at once
            return
        self.activate(node, parent)

    def activate(self, node: FlowNode, parent: str) -> None:
        self.moves += 1
        if self.moves > MOVES:
            self.unknown(
                f"the token goes round without stopping at {node.title}; the preview gives up there."
            )
        if node.async_before and not node.multi_instance:
            self._new(node.id, parent, transition=True)
            self.note(f"{node.title} is asynchronous: the token waits in a job before it.")
            return
        kind = node.type
        if kind == "parallelGateway":
            self.join(node, parent)
        elif kind == "inclusiveGateway" and len(self.model.incoming(node.id)) > 1:
            self.join(node, parent, inclusive=True)
        elif kind in DECIDES:
            self.leave_by_condition(node, parent)
        elif kind == "endEvent":
            self.end(node, parent)
        elif node.is_scope:
            scope = self._new(node.id, parent)
            start = self.model.start_of(node.id)
            if start is None:
                self.unknown(f"{node.title} has no start event the preview can follow.")
            self.arrive(start.id, scope.id)
        elif kind == "boundaryEvent":
            self.unknown(f"{node.title} is a boundary event; the preview does not follow a start there.")
        elif kind in WAITS or node.external:
            self._new(node.id, parent)
        else:
            if kind in RUNS_CODE:
                self.note(f"{node.title} runs at once; if it fails, the engine refuses the whole plan.")
            self.leave(node, parent)

    def leave(self, node: FlowNode, parent: str) -> None:
        holder = self.tokens.get(parent)
        if holder is not None and holder.activity_id == node.id + BODY:
            self.scope_done(parent)  # an inner instance is done; the body goes on when all are
            return
        outgoing = self.model.outgoing(node.id)
        if not outgoing:
            self.scope_done(parent)
        for flow in outgoing:
            self.arrive(flow.target, parent)

    def leave_by_condition(self, node: FlowNode, parent: str) -> None:
        outgoing = self.model.outgoing(node.id)
        if len(outgoing) == 1:
            self.arrive(outgoing[0].target, parent)
            return
        self.unknown(
            f"{node.title} chooses its way by conditions the preview does not evaluate; "
            "the picture stops there."
        )

    def join(self, node: FlowNode, parent: str, *, inclusive: bool = False) -> None:
        incoming = len(self.model.incoming(node.id))
        waiting = [t for t in self.children(parent) if t.activity_id == node.id and not t.transition]
        short = incoming > 1 and len(waiting) + 1 < incoming
        if short and (not inclusive or self.more_can_come(node, parent, waiting)):
            self._new(node.id, parent)
            more = incoming - len(waiting) - 1
            self.note(
                f"the token waits in {node.title} for {more} more token{'s' if more > 1 else ''} "
                "(the join counts tokens, whichever flow they came by)."
            )
            return
        for token in waiting:
            self._drop(token)
        if incoming > 1:
            self.note(f"{node.title} has all its tokens and passes them on.")
        if inclusive:
            self.leave_by_condition(node, parent)
        else:
            self.leave(node, parent)

    def more_can_come(self, node: FlowNode, parent: str, waiting: list[Token]) -> bool:
        """An inclusive join waits while another token in its scope can still reach it."""

        def leaves(scope: str):
            for token in self.children(scope):
                inner = self.children(token.id)
                if inner:
                    yield from leaves(token.id)
                else:
                    yield token

        def reaches(start: str) -> bool:
            seen, todo = set(), [start]
            while todo:
                current = todo.pop()
                if current == node.id:
                    return True
                if current in seen or current not in self.model.nodes:
                    continue
                seen.add(current)
                outgoing = self.model.outgoing(current)
                todo += [f.target for f in outgoing] or [self.model.nodes[current].parent or ""]
            return False

        return any(reaches(t.activity_id.removesuffix(BODY)) for t in leaves(parent) if t not in waiting)

    def end(self, node: FlowNode, parent: str) -> None:
        if node.event == "terminate":
            for token in self.children(parent):
                self.cancel(token, inner=True)
            self.note(f"{node.title} terminates its scope: every token in it is cancelled.")
        else:
            self.note(f"{node.title} is an end event: its token ends there.")
        self.scope_done(parent)

    def scope_done(self, scope_id: str) -> None:
        """A scope without tokens completes, and its own token moves on."""
        if self.children(scope_id):
            return
        if scope_id == self.root:
            self.note("the process instance completes.")
            return
        scope = self.tokens.get(scope_id)
        if scope is None:
            return
        self._drop(scope)
        node = self.model.nodes.get(scope.activity_id.removesuffix(BODY))
        holder = self.tokens.get(scope.parent or "")
        if holder is not None and holder.activity_id.endswith(BODY) and not scope.activity_id.endswith(BODY):
            self.scope_done(holder.id)  # an inner instance completed
        elif node is not None:
            self.note(f"{node.title} completes; its token moves on.")
            outgoing = self.model.outgoing(node.id)
            if not outgoing:
                self.scope_done(scope.parent or self.root)
            for flow in outgoing:
                self.arrive(flow.target, scope.parent or self.root)

    # --- cancelling ---

    def cancel_step(self, step: Step, title: str) -> None:
        if step.activity_instance_id or step.transition_instance_id:
            target = step.activity_instance_id or step.transition_instance_id
            if target == self.root and step.activity_instance_id:
                for token in self.children(self.root):
                    self.cancel(token, inner=True)
                return
            token = self.tokens.get(target)
            if token is None or token.new or token.transition != bool(step.transition_instance_id):
                self.refuse(f"{target} is not active (any more); {REFUSED}.")
            self.cancel(token)
            return
        matching = [t for t in list(self.tokens.values()) if t.activity_id == step.activity_id]
        if not matching:
            self.note(f"no instance of {title} is active.")
        for token in matching:
            if token.id in self.tokens:
                self.cancel(token)


def preview(model: BpmnModel, tree: ActivityInstance, steps: list[Step]) -> Preview:
    replay = _Replay(model, tree)
    try:
        for number, step in enumerate(steps, start=1):
            replay.number = number
            ancestor = step.ancestor_activity_instance_id
            if step.type == "cancel":
                replay.cancel_step(step, activity_title(model, step.activity_id))
            elif not model.nodes:
                replay.unknown(
                    "without the definition's diagram the preview cannot follow a start; "
                    "only the engine will know where the token goes."
                )
            elif step.type == "startTransition":
                replay.start_on(step.transition_id, ancestor)
            elif step.type == "startAfterActivity":
                replay.start_after(step.activity_id, ancestor)
            else:
                replay.start_before(step.activity_id, ancestor)
    except _Stop:
        pass
    result = replay.preview
    result.tokens = list(replay.tokens.values())
    if not replay.tokens and not result.refused and not result.partial:
        result.ends_instance = True
        result.warnings.append("No token is left afterwards: the process instance will end.")
    return result
