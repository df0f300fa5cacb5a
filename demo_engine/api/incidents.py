"""/incident and /job: failures, their annotations, stack traces, and retries."""

from __future__ import annotations

from typing import Any

from demo_engine.api.common import (
    Filters,
    Raw,
    Request,
    body_of,
    command,
    table_count,
    table_page,
)
from demo_engine.batches import create_batch
from demo_engine.errors import RestError, invalid
from demo_engine.store import Store

INCIDENT_SORTS = {
    "incidentId": "id",
    "incidentMessage": "message",
    "incidentTimestamp": "timestamp",
    "incidentType": "type",
    "executionId": "execution_id",
    "activityId": "activity_id",
    "causeIncidentId": "cause_id",
    "rootCauseIncidentId": "root_cause_id",
    "configuration": "job_id",
    "tenantId": "tenant_id",
    "processInstanceId": "instance_id",
    "processDefinitionId": "definition_id",
}
JOB_SORTS = {
    "jobId": "id",
    "executionId": "execution_id",
    "processInstanceId": "instance_id",
    "processDefinitionId": "definition_id",
    "processDefinitionKey": "definition_key",
    "jobRetries": "retries",
    "jobDueDate": "due_date",
    "jobPriority": "id",
    "tenantId": "tenant_id",
}


def incident_dto(row) -> dict:
    return {
        "id": row["id"],
        "processDefinitionId": row["definition_id"],
        "processInstanceId": row["instance_id"],
        "executionId": row["execution_id"],
        "incidentTimestamp": row["timestamp"],
        "incidentType": row["type"],
        "activityId": row["activity_id"],
        "failedActivityId": row["activity_id"],
        "causeIncidentId": row["cause_id"],
        "rootCauseIncidentId": row["root_cause_id"],
        "configuration": row["job_id"],
        "tenantId": row["tenant_id"],
        "incidentMessage": row["message"],
        "jobDefinitionId": f"async-continuation:{row['definition_id']}:{row['activity_id']}"
        if row["job_id"]
        else None,
        "annotation": row["annotation"],
    }


def _incident_filters(params: dict) -> Filters:
    f = Filters(params)
    for name, column in (
        ("incidentId", "id"),
        ("incidentType", "type"),
        ("incidentMessage", "message"),
        ("processDefinitionId", "definition_id"),
        ("processInstanceId", "instance_id"),
        ("executionId", "execution_id"),
        ("activityId", "activity_id"),
        ("failedActivityId", "activity_id"),
        ("causeIncidentId", "cause_id"),
        ("rootCauseIncidentId", "root_cause_id"),
        ("configuration", "job_id"),
    ):
        f.equal(name, column)
    f.like("incidentMessageLike", "message")
    f.among("processDefinitionKeyIn", "(SELECT key FROM definition d WHERE d.id = definition_id)")
    f.among("tenantIdIn", "tenant_id")
    f.compare("incidentTimestampBefore", "timestamp", "<")
    f.compare("incidentTimestampAfter", "timestamp", ">")
    return f


def list_incidents(store: Store, request: Request, **_: Any) -> list:
    f = _incident_filters(request.params)
    return table_page(store, request.params, "incident", f, INCIDENT_SORTS, "id ASC", incident_dto)


def count_incidents(store: Store, request: Request, **_: Any) -> dict:
    return table_count(store, "incident", _incident_filters(request.params))


def _incident_row(store: Store, incident_id: str):
    row = store.db().execute("SELECT * FROM incident WHERE id = ?", (incident_id,)).fetchone()
    if row is None:
        raise RestError(404, f"No matching incident with id {incident_id}")
    return row


def get_incident(store: Store, request: Request, id: str, **_: Any) -> dict:
    return incident_dto(_incident_row(store, id))


def _annotate(store: Store, request: Request, incident_id: str, annotation: str | None) -> None:
    with command(store, request) as runtime:
        row = runtime.db.execute("SELECT * FROM incident WHERE id = ?", (incident_id,)).fetchone()
        if row is None:
            raise invalid(f"Cannot set annotation: incident with id '{incident_id}' does not exist")
        runtime.db.execute("UPDATE incident SET annotation = ? WHERE id = ?", (annotation, incident_id))
        instance = runtime.find_instance(row["instance_id"])
        runtime.log("SetAnnotation" if annotation is not None else "ClearAnnotation", "Incident",
                    instance=instance, properties={"incidentId": incident_id})  # fmt: skip


def set_annotation(store: Store, request: Request, id: str, **_: Any) -> None:
    annotation = body_of(request).get("annotation")
    if annotation is not None and not isinstance(annotation, str):
        raise invalid("The annotation must be a string")
    _annotate(store, request, id, annotation)


def clear_annotation(store: Store, request: Request, id: str, **_: Any) -> None:
    _annotate(store, request, id, None)


# --- jobs ----------------------------------------------------------------------------------------------


def job_dto(row) -> dict:
    return {
        "id": row["id"],
        "jobDefinitionId": row["job_definition_id"],
        "dueDate": row["due_date"],
        "processInstanceId": row["instance_id"],
        "executionId": row["execution_id"],
        "processDefinitionId": row["definition_id"],
        "processDefinitionKey": row["definition_key"],
        "retries": row["retries"],
        "exceptionMessage": row["exception_message"],
        "failedActivityId": row["activity_id"] if row["exception_message"] else None,
        "suspended": bool(row["suspended"]),
        "priority": 0,
        "tenantId": row["tenant_id"],
        "createTime": row["create_time"],
        "batchId": row["batch_id"],
    }


def _job_filters(params: dict) -> Filters:
    f = Filters(params)
    for name, column in (
        ("jobId", "id"),
        ("jobDefinitionId", "job_definition_id"),
        ("processInstanceId", "instance_id"),
        ("executionId", "execution_id"),
        ("processDefinitionId", "definition_id"),
        ("processDefinitionKey", "definition_key"),
        ("activityId", "activity_id"),
        ("failedActivityId", "activity_id"),
        ("exceptionMessage", "exception_message"),
    ):
        f.equal(name, column)
    f.among("jobIds", "id")
    f.among("processInstanceIds", "instance_id")
    f.among("tenantIdIn", "tenant_id")
    f.flag("withRetriesLeft", "retries > 0")
    f.flag("executable", "retries > 0 AND suspended = 0")
    f.flag("timers", "type = 'timer'")
    f.flag("messages", "type != 'timer'")
    f.flag("withException", "exception_message IS NOT NULL")
    f.flag("noRetriesLeft", "retries = 0")
    f.flag("active", "suspended = 0")
    f.flag("suspended", "suspended = 1")
    return f


def list_jobs(store: Store, request: Request, **_: Any) -> list:
    return table_page(
        store, request.params, "job", _job_filters(request.params), JOB_SORTS, "rowid ASC", job_dto
    )


def count_jobs(store: Store, request: Request, **_: Any) -> dict:
    return table_count(store, "job", _job_filters(request.params))


def _job_row(store: Store, job_id: str):
    row = store.db().execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise RestError(404, f"Job with id {job_id} does not exist")
    return row


def get_job(store: Store, request: Request, id: str, **_: Any) -> dict:
    return job_dto(_job_row(store, id))


def job_stacktrace(store: Store, request: Request, id: str, **_: Any) -> Raw:
    row = _job_row(store, id)
    if not row["stacktrace"]:
        raise RestError(404, f"Job with id {id} has no exception stacktrace")
    return Raw(row["stacktrace"].encode(), "text/plain")


def _retries(body: dict) -> int:
    retries = body.get("retries")
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise invalid(
            f"The number of job retries must be a non-negative Integer, but '{retries}' has been provided."
        )
    return retries


def set_job_retries(store: Store, request: Request, id: str, **_: Any) -> None:
    # Camunda 7.24 answers every refusal here (negative retries, a job that is gone) with 500.
    try:
        body = body_of(request)
        retries = _retries(body)
        with command(store, request) as runtime:
            runtime.set_job_retries(id, retries, due_date=body.get("dueDate"))
    except RestError as error:
        if error.status >= 500:
            raise
        raise RestError(500, error.message, error.exception_type) from None


def execute_job(store: Store, request: Request, id: str, **_: Any) -> None:
    with command(store, request) as runtime:
        runtime.execute_job(runtime.job(id))
    # As Camunda 7.24: the failure is recorded on the job (its own transaction), and the request fails
    # with the job's exception.
    failed = (
        store.db().execute("SELECT exception_message FROM job WHERE id = ? AND retries = 0", (id,)).fetchone()
    )
    if failed is not None:
        raise RestError(500, failed["exception_message"] or f"Job {id} failed", "ProcessEngineException")


def set_jobs_retries_async(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    retries = _retries(body)
    job_ids = list(body.get("jobIds") or [])
    if body.get("jobQuery") is not None:
        query = body["jobQuery"]
        if not isinstance(query, dict):
            raise invalid("jobQuery must be an object")
        f = _job_filters({k: v for k, v in query.items() if not isinstance(v, bool) or v})
        job_ids += [
            row[0] for row in store.db().execute(f"SELECT id FROM job{f.where()} ORDER BY rowid", f.args)
        ]
    if not job_ids:
        raise invalid("jobIds is empty")
    payload = {"retries": retries, "dueDate": body.get("dueDate")}
    return create_batch(store, request.user, "set-job-retries", list(dict.fromkeys(job_ids)), payload)
