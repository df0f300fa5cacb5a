"""/migration: generate, validate and execute plans that move instances between definitions."""

from __future__ import annotations

from typing import Any

from demo_engine import migration
from demo_engine.api.common import Request, body_of, command
from demo_engine.api.instances import targets
from demo_engine.batches import create_batch
from demo_engine.store import Store


def generate(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    db = store.db()
    source = migration.definition(db, body.get("sourceProcessDefinitionId"), "Source")
    target = migration.definition(db, body.get("targetProcessDefinitionId"), "Target")
    instructions = migration.generate(
        source, target, update_event_triggers=bool(body.get("updateEventTriggers"))
    )
    return {
        "sourceProcessDefinitionId": source.id,
        "targetProcessDefinitionId": target.id,
        "instructions": instructions,
        "variables": body.get("variables") or None,
    }


def validate(store: Store, request: Request, **_: Any) -> dict:
    return migration.validate(migration.resolve(store.db(), body_of(request)))


def _execution(store: Store, request: Request) -> tuple[dict, list[str], dict]:
    body = body_of(request)
    resolved = migration.resolve(store.db(), body.get("migrationPlan"))
    migration.ensure_valid(resolved)
    options = {
        "skipCustomListeners": bool(body.get("skipCustomListeners")),
        "skipIoMappings": bool(body.get("skipIoMappings")),
    }
    return resolved, targets(store, body), options


def execute(store: Store, request: Request, **_: Any) -> None:
    resolved, ids, _options = _execution(store, request)
    with command(store, request) as runtime:
        for instance_id in ids:
            migration.migrate(runtime, instance_id, resolved)
        runtime.log(
            "Migrate",
            "ProcessInstance",
            properties={
                "processDefinitionId": resolved["target"].id,
                "nrOfInstances": len(ids),
                "async": False,
            },
        )


def execute_async(store: Store, request: Request, **_: Any) -> dict:
    resolved, ids, options = _execution(store, request)
    payload = {"migrationPlan": migration.plan_json(resolved), **options}
    return create_batch(store, request.user, "instance-migration", ids, payload)
