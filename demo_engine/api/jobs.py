"""Job due dates and job definitions, as Camunda 7.24 serves them.

Job definitions derive from the deployed models: one per asynchronous service task and one per timer,
with the ids the seeded jobs already carry (type:definition:activity). What users changed (suspension,
an overriding priority) is kept in job_definition_change.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from demo_engine.api.common import Request, body_of, boolean, command, listing
from demo_engine.errors import RestError, invalid
from demo_engine.models import MODELS
from demo_engine.store import Store, engine_date, parse_engine_date

TIMER_DURATION = timedelta(days=1)  # every timer of the demo models waits P1D
# Node type -> (the id prefix the seeded jobs carry, the engine's job type, its configuration)
KINDS = {
    "serviceTask": ("async-continuation", "async-continuation", "async-before"),
    "intermediateCatchEvent": ("timer", "timer-intermediate-transition", "DURATION: P1D"),
}


# --- job due dates ----------------------------------------------------------------------------------


def _job(db: sqlite3.Connection, job_id: str) -> sqlite3.Row:
    row = db.execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone()
    if row is None:  # Camunda 7.24 answers this with 500
        raise RestError(500, f"No job found with id '{job_id}'.")
    return row


def set_due_date(store: Store, request: Request, id: str, **_: Any) -> None:
    due = body_of(request).get("duedate")
    if due is not None:
        try:
            due = engine_date(parse_engine_date(due))
        except (TypeError, ValueError):
            raise invalid(f"Cannot parse due date '{due}'") from None
    with command(store, request) as runtime:
        job = _job(runtime.db, id)
        runtime.db.execute("UPDATE job SET due_date = ? WHERE id = ?", (due, id))
        instance = runtime.find_instance(job["instance_id"]) if job["instance_id"] else None
        runtime.log("SetDueDate", "Job", instance=instance, job_id=id, properties={"duedate": due})


def recalculate_due_date(store: Store, request: Request, id: str, **_: Any) -> None:
    from_creation = boolean(request.params.get("creationDateBased"), "creationDateBased")
    with command(store, request) as runtime:
        job = _job(runtime.db, id)
        if job["type"] != "timer":
            raise RestError(
                500, f"Only timer jobs can be recalculated, but the job with id '{id}' is of type "
                f"'{job['type']}'.", "ProcessEngineException",
            )  # fmt: skip
        start = parse_engine_date(job["create_time"] if from_creation else runtime.stamp)
        due = engine_date(start + TIMER_DURATION)
        runtime.db.execute("UPDATE job SET due_date = ? WHERE id = ?", (due, id))
        instance = runtime.find_instance(job["instance_id"]) if job["instance_id"] else None
        runtime.log("RecalculateDueDate", "Job", instance=instance, job_id=id, properties={"duedate": due})


# --- job definitions --------------------------------------------------------------------------------


def _definitions(db: sqlite3.Connection, process_definition_id: str | None) -> list[dict]:
    sql = "SELECT * FROM definition" + (" WHERE id = ?" if process_definition_id else "") + " ORDER BY rowid"
    changes = {row["id"]: row for row in db.execute("SELECT * FROM job_definition_change")}
    found = []
    for definition in db.execute(sql, (process_definition_id,) if process_definition_id else ()):
        model = MODELS.get(definition["key"])
        for node in model.nodes if model else ():
            if node.type not in KINDS:
                continue
            prefix, job_type, configuration = KINDS[node.type]
            job_definition_id = f"{prefix}:{definition['id']}:{node.id}"
            change = changes.get(job_definition_id)
            found.append({
                "id": job_definition_id,
                "processDefinitionId": definition["id"],
                "processDefinitionKey": definition["key"],
                "activityId": node.id,
                "jobType": job_type,
                "jobConfiguration": configuration,
                "overridingJobPriority": change["priority"] if change else None,
                "suspended": bool(change["suspended"]) if change else False,
                "tenantId": definition["tenant_id"],
                "deploymentId": definition["deployment_id"],
            })  # fmt: skip
    return found


def list_job_definitions(store: Store, request: Request, **_: Any) -> list:
    params = request.params
    found = _definitions(store.db(), params.get("processDefinitionId"))
    if params.get("jobDefinitionId"):
        found = [d for d in found if d["id"] == params["jobDefinitionId"]]
    if activities := listing(params.get("activityIdIn")):
        found = [d for d in found if d["activityId"] in activities]
    by, direction = params.get("sortBy"), params.get("sortOrder", "asc")
    if by is not None:
        if by not in ("activityId", "jobDefinitionId", "jobType") or direction not in ("asc", "desc"):
            raise invalid(f"Cannot set query parameter 'sortBy' to value '{by}'")
        key = {"activityId": "activityId", "jobDefinitionId": "id", "jobType": "jobType"}[by]
        found.sort(key=lambda d: d[key], reverse=direction == "desc")
    first, limit = int(params.get("firstResult") or 0), params.get("maxResults")
    return found[first : first + int(limit)] if limit is not None else found[first:]


def _job_definition(db: sqlite3.Connection, job_definition_id: str) -> dict:
    definition_id = (
        job_definition_id.split(":", 1)[1].rsplit(":", 1)[0] if job_definition_id.count(":") >= 2 else ""
    )
    found = (
        [d for d in _definitions(db, definition_id) if d["id"] == job_definition_id] if definition_id else []
    )
    if not found:
        raise RestError(404, f"Job Definition with id {job_definition_id} does not exist")
    return found[0]


def get_job_definition(store: Store, request: Request, id: str, **_: Any) -> dict:
    return _job_definition(store.db(), id)


def _change(db: sqlite3.Connection, job_definition: dict) -> None:
    db.execute(
        "INSERT OR IGNORE INTO job_definition_change VALUES (?, ?, ?)",
        (job_definition["id"], int(job_definition["suspended"]), job_definition["overridingJobPriority"]),
    )


def suspend_job_definition(store: Store, request: Request, id: str, **_: Any) -> None:
    body = body_of(request)
    suspended, include_jobs = body.get("suspended"), bool(body.get("includeJobs"))
    if not isinstance(suspended, bool):
        raise invalid("suspended must be true or false")
    with command(store, request) as runtime:
        job_definition = _job_definition(runtime.db, id)
        _change(runtime.db, job_definition)
        runtime.db.execute(
            "UPDATE job_definition_change SET suspended = ? WHERE id = ?", (int(suspended), id)
        )
        if include_jobs:
            runtime.db.execute(
                "UPDATE job SET suspended = ? WHERE job_definition_id = ?", (int(suspended), id)
            )
        runtime.log(
            "SuspendJobDefinition" if suspended else "ActivateJobDefinition", "JobDefinition",
            properties={"suspensionState": "suspended" if suspended else "active", "includeJobs": include_jobs},
        )  # fmt: skip


def set_job_priority(store: Store, request: Request, id: str, **_: Any) -> None:
    body = body_of(request)
    priority, include_jobs = body.get("priority"), bool(body.get("includeJobs"))
    if priority is not None and (not isinstance(priority, int) or isinstance(priority, bool)):
        raise invalid("priority must be a whole number or null")
    if priority is None and include_jobs:  # as Camunda 7.24 refuses it
        raise RestError(
            400, "Cannot reset priority for job definition " + id + " with includeJobs=true",
            "InvalidRequestException",
        )  # fmt: skip
    with command(store, request) as runtime:
        job_definition = _job_definition(runtime.db, id)
        _change(runtime.db, job_definition)
        runtime.db.execute("UPDATE job_definition_change SET priority = ? WHERE id = ?", (priority, id))
        runtime.log("SetPriority", "JobDefinition", properties={"overridingPriority": priority})
