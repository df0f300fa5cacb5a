"""Migration of running instances between definitions, as Camunda 7 does it.

A plan maps source activities onto target activities. It is checked on its own first (each
instruction: one activity on each side, both existing, of the same kind, supported, their scopes
mapped alike, an event trigger updated only on an event), then against each instance: every
activity instance must have an instruction. A plan that fails either is refused whole.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from demo_engine.errors import RestError, invalid
from demo_engine.models import MODELS, MULTI_INSTANCE_BODY, Node, ProcessModel
from demo_engine.runtime import Runtime
from demo_engine.variables import variable_columns

# The Java behaviour Camunda gives each kind of activity: its refusals name them.
BEHAVIOURS = {
    "userTask": "UserTaskActivityBehavior",
    "serviceTask": "ClassDelegateActivityBehavior",
    "callActivity": "CallableElementActivityBehavior",
    "intermediateCatchEvent": "IntermediateCatchEventActivityBehavior",
    "subProcess": "SubProcessActivityBehavior",
    "parallelGateway": "ParallelGatewayActivityBehavior",
    "exclusiveGateway": "ExclusiveGatewayActivityBehavior",
    "startEvent": "NoneStartEventActivityBehavior",
    "endEvent": "NoneEndEventActivityBehavior",
}
# What migration can move (service tasks only as they are asynchronous, which the demo's all are).
SUPPORTED = {
    "userTask",
    "serviceTask",
    "callActivity",
    "intermediateCatchEvent",
    "subProcess",
    "parallelGateway",
}
WITH_EVENT_TRIGGER = {"intermediateCatchEvent"}
PLAN_INVALID = "MigrationPlanValidationException"
INSTANCE_INVALID = "MigratingProcessInstanceValidationException"


@dataclass(frozen=True)
class Definition:
    id: str
    key: str
    model: ProcessModel


def definition(db: sqlite3.Connection, definition_id: Any, side: str) -> Definition:
    if not definition_id or not isinstance(definition_id, str):
        raise invalid(f"{side} process definition id is null")
    row = db.execute("SELECT id, key FROM definition WHERE id = ?", (definition_id,)).fetchone()
    if row is None:
        raise RestError(404, f"{side} process definition with id '{definition_id}' does not exist")
    return Definition(row["id"], row["key"], MODELS[row["key"]])


def generate(source: Definition, target: Definition, *, update_event_triggers: bool) -> list[dict]:
    """Each supported activity onto the target's of the same id and kind, scope by scope: an activity
    inside a subprocess is mapped only when its subprocess is."""
    instructions: list[dict] = []

    def scope(source_scope: str | None, target_scope: str | None) -> None:
        for node in source.model.nodes:
            if node.parent != source_scope or node.type not in SUPPORTED:
                continue
            other = target.model.find(node.id)
            if other is None or other.type != node.type or other.parent != target_scope:
                continue
            instructions.append(
                _instruction(node.id, other.id, update_event_triggers and node.type in WITH_EVENT_TRIGGER)
            )
            if node.instances:
                instructions.append(
                    _instruction(node.id + MULTI_INSTANCE_BODY, other.id + MULTI_INSTANCE_BODY, False)
                )
            if node.is_scope:
                scope(node.id, other.id)

    scope(None, None)
    return instructions


def _instruction(source: str, target: str, update_event_trigger: bool) -> dict:
    return {
        "sourceActivityIds": [source],
        "targetActivityIds": [target],
        "updateEventTrigger": update_event_trigger,
    }


def _node(model: ProcessModel, activity_id: str) -> Node | None:
    return model.find(activity_id.removesuffix(MULTI_INSTANCE_BODY))


def validate(resolved: dict) -> dict:
    """A resolved plan's report (see resolve): only instructions and variables with failures are in it."""
    source, target = resolved["source"], resolved["target"]
    instructions = resolved["instructions"]
    mapped: dict[str, list[str]] = {}
    for instruction in instructions:
        sources = instruction.get("sourceActivityIds") or []
        targets = instruction.get("targetActivityIds") or []
        if len(sources) == 1 and len(targets) == 1:
            mapped.setdefault(sources[0], []).append(targets[0])
    reports = []
    for instruction in instructions:
        failures = _failures(instruction, source, target, mapped)
        if failures:
            reports.append({"instruction": _instruction_dto(instruction), "failures": failures})
    # A value that does not fit its type is refused outright, as Camunda does, not reported.
    for dto in (resolved.get("variables") or {}).values():
        try:
            variable_columns(dto if isinstance(dto, dict) else {})
        except ValueError as error:
            raise invalid(str(error)) from None
    return {"instructionReports": reports, "variableReports": {}}


def _instruction_dto(instruction: dict) -> dict:
    return {
        "sourceActivityIds": list(instruction.get("sourceActivityIds") or []),
        "targetActivityIds": list(instruction.get("targetActivityIds") or []),
        "updateEventTrigger": bool(instruction.get("updateEventTrigger")),
    }


def _failures(instruction: dict, source: Definition, target: Definition, mapped: dict) -> list[str]:
    sources = instruction.get("sourceActivityIds") or []
    targets = instruction.get("targetActivityIds") or []
    if len(sources) != 1:
        return ["Expected exactly one source activity id"]
    if len(targets) != 1:
        return ["Expected exactly one target activity id"]
    source_id, target_id = sources[0], targets[0]
    source_node, target_node = _node(source.model, source_id), _node(target.model, target_id)
    failures = []
    if source_node is None:
        failures.append(f"Source activity '{source_id}' does not exist")
    if target_node is None:
        failures.append(f"Target activity '{target_id}' does not exist")
    if source_node is None or target_node is None:
        return failures
    if source_node.type != target_node.type:
        failures.append(
            f"Activities have incompatible types ({BEHAVIOURS.get(source_node.type, source_node.type)} is not "
            f"compatible with {BEHAVIOURS.get(target_node.type, target_node.type)})"
        )
    if len(mapped.get(source_id, [])) > 1:
        failures.append(f"There are multiple mappings for source activity id '{source_id}'")
    if instruction.get("updateEventTrigger") and source_node.type not in WITH_EVENT_TRIGGER:
        failures.append(
            "Cannot update event trigger because the activity does not define a persistent event trigger"
        )
    # The scope the activity lives in must be mapped onto the scope of its target.
    source_parent = source_node.parent
    target_parent = target_node.parent
    mapped_parent = (mapped.get(source_parent) or [None])[0] if source_parent else None
    if mapped_parent != target_parent:
        ancestor = source_parent or source.key
        failures.append(
            f"The closest mapped ancestor '{ancestor}' is mapped to scope '{mapped_parent or target.key}' "
            f"which is not an ancestor of target scope '{target_id}'"
        )
    return failures


def resolve(db: sqlite3.Connection, plan: Any) -> dict:
    """The plan's definitions looked up; an answer as Camunda's when the plan is no plan."""
    if not isinstance(plan, dict):
        raise invalid("Migration plan cannot be null")
    instructions = plan.get("instructions") or []
    if not isinstance(instructions, list) or not all(isinstance(i, dict) for i in instructions):
        raise invalid("instructions must be a list of migration instructions")
    return {
        "source": definition(db, plan.get("sourceProcessDefinitionId"), "Source"),
        "target": definition(db, plan.get("targetProcessDefinitionId"), "Target"),
        "instructions": instructions,
        "variables": plan.get("variables") or {},
    }


def _impl(instruction: dict) -> str:
    # How the engine prints an instruction in its refusal.
    source = (instruction["sourceActivityIds"] or [None])[0]
    target = (instruction["targetActivityIds"] or [None])[0]
    flag = str(bool(instruction["updateEventTrigger"])).lower()
    return f"MigrationInstructionImpl{{sourceActivityId='{source}', targetActivityId='{target}', updateEventTrigger='{flag}'}}"


def ensure_valid(resolved: dict) -> None:
    report = validate(resolved)
    if report["instructionReports"]:
        lines = [
            f"\n\t Migration instruction {_impl(r['instruction'])} is not valid:"
            + "".join(f"\n\t\t{failure}" for failure in r["failures"])
            for r in report["instructionReports"]
        ]
        raise RestError(
            400,
            f"ENGINE-23001 Migration plan for process definition '{resolved['source'].id}' to "
            f"'{resolved['target'].id}' "
            "is not valid:" + "".join(lines),
            PLAN_INVALID,
        )


def migrate(runtime: Runtime, instance_id: str, resolved: dict) -> None:
    """One instance onto the target definition: every activity instance to its mapped activity."""
    instance = runtime.instance(instance_id)
    source: Definition = resolved["source"]
    target: Definition = resolved["target"]
    if instance["definition_id"] != source.id:
        raise RestError(
            500,
            f"ENGINE-23002 Process instance '{instance_id}' cannot be migrated. Its process definition "
            f"'{instance['definition_id']}' does not match the source process definition of the migration "
            f"plan '{source.id}'",
            "ProcessEngineException",
        )
    mapping = {
        i["sourceActivityIds"][0]: i["targetActivityIds"][0]
        for i in resolved["instructions"]
        if i.get("sourceActivityIds") and i.get("targetActivityIds")
    }
    tokens = runtime.tokens(instance_id)
    unmapped = [t for t in tokens if t["activity_id"] not in mapping]
    if unmapped:
        raise RestError(
            400,
            f"ENGINE-23004 Cannot migrate process instance '{instance_id}':"
            + "".join(
                f"\n\tCannot migrate {'transition' if t['kind'] == 'transition' else 'activity'} instance "
                f"'{t['id']}':\n\t\tThere is no migration instruction for this instance's activity"
                for t in unmapped
            )
            + "\n",
            INSTANCE_INVALID,
        )
    db = runtime.db
    for token in tokens:
        new_activity = mapping[token["activity_id"]]
        node = _node(target.model, new_activity)
        activity_type = token["activity_type"]
        if node is not None and not new_activity.endswith(MULTI_INSTANCE_BODY):
            activity_type = node.activity_type
        db.execute(
            "UPDATE activity_instance SET activity_id = ?, activity_type = ? WHERE id = ?",
            (new_activity, activity_type, token["id"]),
        )
        db.execute(
            "UPDATE job SET activity_id = ? WHERE instance_id = ? AND activity_id = ?",
            (new_activity, instance_id, token["activity_id"]),
        )
        db.execute(
            "UPDATE incident SET activity_id = ? WHERE instance_id = ? AND activity_id = ?",
            (new_activity, instance_id, token["activity_id"]),
        )
    row = db.execute("SELECT name, version FROM definition WHERE id = ?", (target.id,)).fetchone()
    db.execute(
        "UPDATE instance SET definition_id = ?, definition_key = ? WHERE id = ?",
        (target.id, target.key, instance_id),
    )
    db.execute(
        "UPDATE job SET definition_id = ?, definition_key = ? WHERE instance_id = ?",
        (target.id, target.key, instance_id),
    )
    db.execute("UPDATE incident SET definition_id = ? WHERE instance_id = ?", (target.id, instance_id))
    db.execute(
        "UPDATE history_instance SET definition_id = ?, definition_key = ?, definition_name = ?, definition_version = ?"
        " WHERE id = ?",
        (target.id, target.key, row["name"], row["version"], instance_id),
    )
    migrated = runtime.instance(instance_id)
    for name, dto in (resolved.get("variables") or {}).items():
        runtime.set_variable(migrated, name, dto, log=False)


def plan_json(resolved: dict) -> dict:
    """The resolved plan as the batch keeps it."""
    return {
        "sourceProcessDefinitionId": resolved["source"].id,
        "targetProcessDefinitionId": resolved["target"].id,
        "instructions": resolved["instructions"],
        "variables": resolved["variables"],
    }
