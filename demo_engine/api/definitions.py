"""/process-definition: lists, lookups, BPMN XML, statistics, suspension, the definitions it calls."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from demo_engine.api.common import (
    Filters,
    Request,
    body_of,
    boolean,
    command,
    table_count,
    table_page,
)
from demo_engine.errors import RestError, invalid, not_found
from demo_engine.store import Store

SORTS = {
    "key": "key",
    "id": "id",
    "name": "name",
    "version": "version",
    "tenantId": "tenant_id",
    "category": "id",
}
DEFINITION_CLASS = "org.camunda.bpm.engine.rest.dto.repository.ProcessDefinitionStatisticsResultDto"
ACTIVITY_CLASS = "org.camunda.bpm.engine.rest.dto.repository.ActivityStatisticsResultDto"


def definition_dto(row) -> dict:
    return {
        "id": row["id"],
        "key": row["key"],
        "category": "http://bpmn.io/schema/bpmn",
        "description": None,
        "name": row["name"],
        "version": row["version"],
        "resource": row["resource"],
        "deploymentId": row["deployment_id"],
        "diagram": None,
        "suspended": bool(row["suspended"]),
        "tenantId": row["tenant_id"],
        "versionTag": None,
        "historyTimeToLive": None,
        "startableInTasklist": True,
    }


def _filters(params: dict[str, Any]) -> Filters:
    f = Filters(params)
    f.equal("key", "key")
    f.equal("name", "name")
    f.equal("processDefinitionId", "id")
    f.equal("deploymentId", "deployment_id")
    f.equal("version", "version")
    f.among("processDefinitionIdIn", "id")
    f.among("keysIn", "key")
    f.like("keyLike", "key")
    f.like("nameLike", "name")
    f.flag(
        "latestVersion",
        "version = (SELECT MAX(version) FROM definition d2 WHERE d2.key = definition.key"
        " AND d2.tenant_id IS definition.tenant_id)",
    )
    f.flag("active", "suspended = 0")
    suspended = boolean(params.get("suspended"), "suspended")
    if suspended is not None:
        f.add("suspended = ?", int(suspended))
    f.among("tenantIdIn", "tenant_id")
    f.flag("withoutTenantId", "tenant_id IS NULL")
    return f


def list_definitions(store: Store, request: Request, **_: Any) -> list:
    return table_page(
        store, request.params, "definition", _filters(request.params), SORTS, "id ASC", definition_dto
    )


def count_definitions(store: Store, request: Request, **_: Any) -> dict:
    return table_count(store, "definition", _filters(request.params))


def definition_row(store: Store, definition_id: str):
    row = store.db().execute("SELECT * FROM definition WHERE id = ?", (definition_id,)).fetchone()
    if row is None:
        raise not_found(f"No matching definition with id {definition_id}")
    return row


def _latest_by_key(store: Store, key: str, tenant: str | None):
    row = (
        store.db()
        .execute(
            "SELECT * FROM definition WHERE key = ? AND tenant_id IS ? ORDER BY version DESC LIMIT 1",
            (key, tenant),
        )
        .fetchone()
    )
    if row is None:
        tenant_text = f"tenant-id: {tenant}" if tenant else "no tenant-id"
        raise not_found(f"No matching process definition with key: {key} and {tenant_text}")
    return row


def get_definition(store: Store, request: Request, id: str, **_: Any) -> dict:
    return definition_dto(definition_row(store, id))


def get_definition_by_key(
    store: Store, request: Request, key: str, tenant: str | None = None, **_: Any
) -> dict:
    return definition_dto(_latest_by_key(store, key, tenant))


def definition_xml(store: Store, request: Request, id: str, **_: Any) -> dict:
    row = definition_row(store, id)
    return {"id": row["id"], "bpmn20Xml": row["xml"]}


def _incident_counts(rows) -> dict[str, list[dict]]:
    counts: dict[str, list[dict]] = {}
    for owner, kind, count in rows:
        counts.setdefault(owner, []).append({"incidentType": kind, "incidentCount": count})
    return counts


def definition_statistics(store: Store, request: Request, **_: Any) -> list:
    db, params = store.db(), request.params
    instances = dict(
        db.execute("SELECT definition_id, COUNT(*) FROM instance GROUP BY definition_id").fetchall()
    )
    with_failed = boolean(params.get("failedJobs"), "failedJobs")
    with_incidents = boolean(params.get("incidents"), "incidents")
    root_incidents = boolean(params.get("rootIncidents"), "rootIncidents")
    incident_type = params.get("incidentsForType")
    failed = dict(
        db.execute(
            "SELECT definition_id, COUNT(*) FROM job WHERE retries = 0 GROUP BY definition_id"
        ).fetchall()
    )
    # Root incidents: only where the failure happened, not their copies at calling activities.
    root_only = " WHERE id = root_cause_id" if root_incidents else ""
    incidents = _incident_counts(
        db.execute(
            f"SELECT definition_id, type, COUNT(*) FROM incident{root_only} GROUP BY definition_id, type"
        )
    )
    result = []
    for row in db.execute("SELECT * FROM definition ORDER BY id"):
        counts = incidents.get(row["id"], [])
        if incident_type:
            counts = [c for c in counts if c["incidentType"] == incident_type]
        result.append(
            {
                "@class": DEFINITION_CLASS,
                "id": row["id"],
                "instances": instances.get(row["id"], 0),
                "failedJobs": failed.get(row["id"], 0) if with_failed else 0,
                "incidents": counts if (with_incidents or root_incidents or incident_type) else [],
                "definition": definition_dto(row),
            }
        )
    return result


def activity_statistics(store: Store, request: Request, id: str, **_: Any) -> list:
    db, params = store.db(), request.params
    definition_row(store, id)
    instances = db.execute(
        "SELECT t.activity_id, COUNT(*) FROM activity_instance t JOIN instance i ON i.seq = t.instance_seq"
        " WHERE i.definition_id = ? GROUP BY t.activity_id",
        (id,),
    ).fetchall()
    failed = dict(
        db.execute(
            "SELECT activity_id, COUNT(*) FROM job WHERE definition_id = ? AND retries = 0 GROUP BY activity_id",
            (id,),
        ).fetchall()
    )
    incidents = _incident_counts(
        db.execute(
            "SELECT activity_id, type, COUNT(*) FROM incident WHERE definition_id = ? GROUP BY activity_id, type",
            (id,),
        )
    )
    with_failed = boolean(params.get("failedJobs"), "failedJobs")
    with_incidents = boolean(params.get("incidents"), "incidents")
    return [
        {
            "@class": ACTIVITY_CLASS,
            "id": activity,
            "instances": count,
            "failedJobs": failed.get(activity, 0) if with_failed else 0,
            "incidents": incidents.get(activity, []) if with_incidents else [],
        }
        for activity, count in sorted(tuple(row) for row in instances)
    ]


def _suspend(store: Store, request: Request, definition_ids: list[str]) -> None:
    body = body_of(request)
    suspended = body.get("suspended")
    if not isinstance(suspended, bool):
        raise invalid("Property 'suspended' must be set to true or false")
    if body.get("executionDate"):
        raise invalid("The demo engine does not support a delayed executionDate")
    with command(store, request) as runtime:
        for definition_id in definition_ids:
            runtime.db.execute(
                "UPDATE definition SET suspended = ? WHERE id = ?", (int(suspended), definition_id)
            )
            if body.get("includeProcessInstances"):
                for (instance_id,) in runtime.db.execute(
                    "SELECT id FROM instance WHERE definition_id = ?", (definition_id,)
                ).fetchall():
                    runtime.set_suspended(instance_id, suspended)
            runtime.log(
                "Suspend" if suspended else "Activate",
                "ProcessDefinition",
                properties={"suspensionState": "suspended" if suspended else "active",
                            "includeProcessInstances": bool(body.get("includeProcessInstances"))},
            )  # fmt: skip


def suspend_definition(store: Store, request: Request, id: str, **_: Any) -> None:
    definition_row(store, id)
    _suspend(store, request, [id])


def suspend_definitions_by_key(store: Store, request: Request, key: str | None = None, **_: Any) -> None:
    key = key or body_of(request).get("processDefinitionKey")
    if not key:
        raise invalid(
            "Only one of processDefinitionId or processDefinitionKey should be set to update the suspension state."
        )
    ids = [row[0] for row in store.db().execute("SELECT id FROM definition WHERE key = ?", (key,))]
    if not ids:
        raise not_found(f"No process definition with key '{key}'")
    _suspend(store, request, ids)


_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def static_called_definitions(store: Store, request: Request, id: str, **_: Any) -> list:
    """As Camunda: the latest version (in the caller's tenant) of each key that a call activity names
    outright; keys given by an expression and keys with no definition are left out."""
    row = definition_row(store, id)
    callers: dict[str, list[str]] = {}
    for activity in ElementTree.fromstring(row["xml"]).iter(f"{_BPMN}callActivity"):
        key = activity.get("calledElement") or ""
        if key and "${" not in key and "#{" not in key:
            callers.setdefault(key, []).append(activity.get("id") or "")
    called = []
    for key, activity_ids in callers.items():
        try:
            target = _latest_by_key(store, key, row["tenant_id"])
        except RestError:
            continue
        called.append(
            definition_dto(target)
            | {"calledFromActivityIds": sorted(activity_ids), "callingProcessDefinitionId": row["id"]}
        )
    return called
