"""External tasks, as Camunda 7.24's /external-task endpoints serve them.

None of the demo models has an external service task, so the seed has none; `add_external_task` puts
one at an instance's activity (tests and the demo script arrange with it), as a worker would find it
after fetching and locking. A task ends with the token at its execution (runtime.Runtime._end_token).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from demo_engine.api.common import Filters, Raw, Request, body_of, command, table_page
from demo_engine.errors import RestError, invalid
from demo_engine.store import Store, new_id

SORTS = {"id": "id", "lockExpirationTime": "lock_expiration", "processInstanceId": "instance_id",
         "taskPriority": "priority"}  # fmt: skip


def add_external_task(
    store: Store,
    instance_id: str,
    activity_id: str,
    *,
    topic: str,
    worker: str | None = None,
    lock_expiration: str | None = None,
    retries: int | None = None,
    error_message: str | None = None,
    error_details: str | None = None,
) -> str:
    """An external task at the instance's activity, on the execution of its token there."""
    with store.transaction() as db:
        token = db.execute(
            "SELECT a.*, i.definition_id, i.definition_key, i.tenant_id, i.business_key FROM activity_instance a"
            " JOIN instance i ON i.seq = a.instance_seq WHERE a.instance_id = ? AND a.activity_id = ?",
            (instance_id, activity_id),
        ).fetchone()
        if token is None:
            raise ValueError(f"no token of {instance_id} at {activity_id}")
        task_id = new_id()
        db.execute(
            "INSERT INTO external_task VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
            (task_id, instance_id, token["execution_id"], activity_id, token["id"], topic, worker,
             lock_expiration, retries, error_message, error_details, token["definition_id"],
             token["definition_key"], token["tenant_id"], token["business_key"]),
        )  # fmt: skip
    return task_id


def external_task_dto(row: sqlite3.Row) -> dict:
    return {
        "activityId": row["activity_id"],
        "activityInstanceId": row["activity_instance_id"],
        "errorMessage": row["error_message"],
        "executionId": row["execution_id"],
        "id": row["id"],
        "lockExpirationTime": row["lock_expiration"],
        "processDefinitionId": row["definition_id"],
        "processDefinitionKey": row["definition_key"],
        "processDefinitionVersionTag": None,
        "processInstanceId": row["instance_id"],
        "tenantId": row["tenant_id"],
        "retries": row["retries"],
        "suspended": False,
        "workerId": row["worker_id"],
        "topicName": row["topic"],
        "priority": row["priority"],
        "businessKey": row["business_key"],
    }


def list_external_tasks(store: Store, request: Request, **_: Any) -> list:
    f = Filters(request.params)
    for name, column in (
        ("externalTaskId", "id"),
        ("processInstanceId", "instance_id"),
        ("topicName", "topic"),
        ("workerId", "worker_id"),
        ("activityId", "activity_id"),
        ("executionId", "execution_id"),
    ):
        f.equal(name, column)
    f.flag("noRetriesLeft", "retries = 0")
    f.flag("withRetriesLeft", "(retries IS NULL OR retries > 0)")
    return table_page(store, request.params, "external_task", f, SORTS, "rowid ASC", external_task_dto)


def _row(db: sqlite3.Connection, task_id: str) -> sqlite3.Row | None:
    return db.execute("SELECT * FROM external_task WHERE id = ?", (task_id,)).fetchone()


def get_external_task(store: Store, request: Request, id: str, **_: Any) -> dict:
    row = _row(store.db(), id)
    if row is None:
        raise RestError(404, f"External task with id {id} does not exist", "RestException")
    return external_task_dto(row)


def error_details(store: Store, request: Request, id: str, **_: Any) -> Raw | None:
    row = _row(store.db(), id)
    if row is None:  # Camunda 7.24 answers a missing task here with 500
        raise RestError(500, f"External task with id {id} does not exist", "NullValueException")
    return Raw(row["error_details"].encode(), "text/plain") if row["error_details"] else None


def set_retries(store: Store, request: Request, id: str, **_: Any) -> None:
    retries = body_of(request).get("retries")
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise invalid(f"The number of retries cannot be negative, but '{retries}' has been provided.")
    with command(store, request) as runtime:
        row = _row(runtime.db, id)
        if row is None:
            raise RestError(404, f"External task with id {id} does not exist", "RestException")
        runtime.db.execute("UPDATE external_task SET retries = ? WHERE id = ?", (retries, id))
        instance = runtime.instance(row["instance_id"])
        open_incident = runtime.db.execute(
            "SELECT id FROM incident WHERE type = 'failedExternalTask' AND job_id = ?", (id,)
        ).fetchone()
        if retries == 0 and open_incident is None:  # out of retries: an incident, as Camunda raises
            incident_id = new_id()
            runtime.db.execute(
                "INSERT INTO incident VALUES (?, ?, ?, ?, ?, 'failedExternalTask', ?, ?, ?, NULL, ?, ?, ?, ?)",
                (incident_id, instance["seq"], instance["id"], instance["definition_id"], row["activity_id"],
                 row["error_message"], runtime.stamp, id, row["execution_id"], incident_id, incident_id,
                 instance["tenant_id"]),
            )  # fmt: skip
        elif retries > 0 and open_incident is not None:
            runtime.db.execute("DELETE FROM incident WHERE id = ?", (open_incident["id"],))
        runtime.log(
            "SetExternalTaskRetries", "ExternalTask", instance=instance, properties={"retries": retries}
        )


def unlock(store: Store, request: Request, id: str, **_: Any) -> None:
    with command(store, request) as runtime:
        row = _row(runtime.db, id)
        if row is None:
            raise RestError(404, f"External task with id {id} does not exist", "RestException")
        runtime.db.execute(
            "UPDATE external_task SET worker_id = NULL, lock_expiration = NULL WHERE id = ?", (id,)
        )
        runtime.log("Unlock", "ExternalTask", instance=runtime.instance(row["instance_id"]))
