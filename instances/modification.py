"""The modification wizard's plan: instructions as the person builds them, in words, and a preview.

The plan travels with the form (a JSON list in a hidden field), so every step of the wizard is
a round trip that loses nothing the person entered. The preview replays the instructions on
the activity instance tree the way the engine does (cancelled scopes take their content along,
a scope left empty goes too, missing parent scopes are created, several candidate scopes need
an ancestor) and says where the result ends the instance.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from engines.bpmn import BpmnModel
from engines.models import ActivityInstance
from engines.queries import Instruction, Modification
from engines.variables import VariableValueError, encode, parse_input

BODY = "#multiInstanceBody"
TYPES = {
    "startBeforeActivity": "Start before",
    "startAfterActivity": "Start after",
    "startTransition": "Start on a sequence flow",
    "cancel": "Cancel",
}
WAITS = {
    "userTask",
    "receiveTask",
    "manualTask",
    "intermediateCatchEvent",
    "eventBasedGateway",
    "callActivity",
}


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
    def from_dict(cls, data: dict[str, Any]) -> Step:
        if not isinstance(data, dict) or data.get("type") not in TYPES:
            raise PlanError("The plan holds an instruction of no known type; start the plan again.")
        known = {
            name: str(data.get(name) or "")
            for name in (
                "activity_id",
                "transition_id",
                "activity_instance_id",
                "transition_instance_id",
                "ancestor_activity_instance_id",
            )
        }
        variables = tuple(
            StepVariable(
                str(v.get("name", "")),
                str(v.get("type", "String")),
                str(v.get("value", "")),
                bool(v.get("local")),
            )
            for v in data.get("variables") or []
            if isinstance(v, dict)
        )
        return cls(type=data["type"], variables=variables, **known)

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
                    dto = encode(parse_input(variable.type, variable.value))
                except VariableValueError as error:
                    raise PlanError(f"Variable {variable.name}: {error}") from None
                if variable.local:
                    dto["local"] = True
                variables[variable.name] = dto
        return Instruction(
            type=self.type,
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


def activity_title(model: BpmnModel, activity_id: str) -> str:
    if activity_id.endswith(BODY):
        return f"{model.title(activity_id.removesuffix(BODY))} (all its instances, the multi-instance body)"
    return model.title(activity_id)


def plan_from_json(text: str) -> list[Step]:
    if not text.strip():
        return []
    try:
        raw = json.loads(text)
    except ValueError:
        raise PlanError("The plan could not be read; start it again.") from None
    if not isinstance(raw, list):
        raise PlanError("The plan could not be read; start it again.")
    return [Step.from_dict(item) for item in raw]


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

    @property
    def diagram(self) -> dict[str, list[str]]:
        """Activity ids to mark on the diagram."""
        bare = lambda tokens: sorted({t.activity_id.removesuffix(BODY) for t in tokens})  # noqa: E731
        return {"cancel": bare(self.cancelled), "start": bare(self.started)}


class _Replay:
    """The activity instance tree as the engine would change it, instruction by instruction."""

    def __init__(self, model: BpmnModel, tree: ActivityInstance) -> None:
        self.model = model
        self.root = tree.id
        self.tokens: dict[str, Token] = {}
        self.counter = 0

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

    def children(self, parent: str) -> list[Token]:
        return [t for t in self.tokens.values() if t.parent == parent]

    def cancel(self, token: Token, *, inner: bool = False) -> None:
        self.tokens.pop(token.id, None)
        for child in self.children(token.id):
            self.cancel(child, inner=True)
        if not token.new:
            self.preview.cancelled.append(token)
        parent = self.tokens.get(token.parent or "")
        if not inner and parent is not None and not self.children(parent.id):
            self.cancel(parent)  # a scope left empty goes too

    def start(self, number: int, activity_id: str, ancestor: str) -> None:
        bare = activity_id.removesuffix(BODY)
        node = self.model.nodes.get(bare)
        if node is None:
            self.preview.warnings.append(
                f"Instruction {number}: the definition has no activity {activity_id}."
            )
            return
        scopes = self.model.scopes_of(bare)
        parent = self.root
        missing = list(reversed(scopes))  # outermost first
        if ancestor and ancestor != self.root:
            found = self.tokens.get(ancestor)
            if found is None:
                self.preview.warnings.append(
                    f"Instruction {number}: the ancestor {ancestor} will be gone; the engine will refuse."
                )
                return
            if found.activity_id not in scopes:
                self.preview.warnings.append(
                    f"Instruction {number}: {ancestor} does not contain {node.title}; the engine will refuse."
                )
                return
            parent = ancestor
            missing = list(reversed(scopes[: scopes.index(found.activity_id)]))
        elif not ancestor:
            for depth, scope in enumerate(scopes):  # innermost first
                found = [t for t in self.tokens.values() if t.activity_id == scope]
                if len(found) > 1:
                    self.preview.warnings.append(
                        f"Instruction {number}: {self.model.title(scope)} is active {len(found)} times; "
                        "choose the ancestor to start in, or the engine will refuse."
                    )
                    return
                if found:
                    parent = found[0].id
                    missing = list(reversed(scopes[:depth]))
                    break
        for scope in missing:
            parent = self._new(scope, parent).id
            self.preview.notes.append(
                f"Instruction {number}: {self.model.title(scope)} is entered too (its start event won't run)."
            )
        self._new(activity_id, parent)
        if node.type == "endEvent":
            self.preview.notes.append(
                f"Instruction {number}: {node.title} is an end event: its scope ends there."
            )
        elif node.type not in WAITS:
            self.preview.notes.append(
                f"Instruction {number}: {node.title} does not wait; the process moves on from there."
            )

    def _new(self, activity_id: str, parent: str) -> Token:
        self.counter += 1
        token = Token(
            f"new-{self.counter}", activity_id, parent, activity_title(self.model, activity_id), new=True
        )
        self.tokens[token.id] = token
        self.preview.started.append(token)
        return token


def preview(model: BpmnModel, tree: ActivityInstance, steps: list[Step]) -> Preview:
    replay = _Replay(model, tree)
    for number, step in enumerate(steps, start=1):
        title = activity_title(model, step.activity_id)
        if step.type == "cancel":
            if step.activity_instance_id or step.transition_instance_id:
                target = step.activity_instance_id or step.transition_instance_id
                if target == tree.id:
                    for token in replay.children(tree.id):
                        replay.cancel(token)
                    continue
                token = replay.tokens.get(target)
                if token is None or token.new:
                    replay.preview.warnings.append(
                        f"Instruction {number}: {target} is not active (any more); the engine will refuse."
                    )
                    continue
                replay.cancel(token)
            else:
                matching = [t for t in list(replay.tokens.values()) if t.activity_id == step.activity_id]
                if not matching:
                    replay.preview.notes.append(f"Instruction {number}: no instance of {title} is active.")
                for token in matching:
                    if token.id in replay.tokens:
                        replay.cancel(token)
        elif step.type == "startTransition":
            flow = model.flows.get(step.transition_id)
            if flow is None:
                replay.preview.warnings.append(
                    f"Instruction {number}: the definition has no sequence flow {step.transition_id}."
                )
                continue
            replay.start(number, flow.target, step.ancestor_activity_instance_id)
        elif step.type == "startAfterActivity":
            outgoing = model.outgoing(step.activity_id.removesuffix(BODY))
            if len(outgoing) != 1:
                replay.preview.warnings.append(
                    f"Instruction {number}: {title} has {len(outgoing)} outgoing "
                    "sequence flows; the engine can start after an activity only with exactly one. "
                    "Start on one of its sequence flows instead."
                )
                continue
            replay.start(number, outgoing[0].target, step.ancestor_activity_instance_id)
        else:
            replay.start(number, step.activity_id, step.ancestor_activity_instance_id)
    if not replay.tokens:
        replay.preview.ends_instance = True
        replay.preview.warnings.append("No token is left afterwards: the process instance will end.")
    return replay.preview
