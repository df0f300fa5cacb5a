"""/history: process instances (finished ones too), the path taken, variables, operations, batches."""

from __future__ import annotations

from functools import partial
from typing import Any

from demo_engine.api.batches import batch_filters
from demo_engine.api.common import (
    Filters,
    Request,
    body_of,
    boolean,
    count_of,
    listing,
    order,
    paging,
    sorting_from_params,
    table_count,
    table_page,
    variable_predicates,
)
from demo_engine.batches import batch_dto
from demo_engine.errors import RestError, invalid
from demo_engine.models import MODELS, MULTI_INSTANCE_BODY
from demo_engine.store import Store, engine_date, parse_engine_date, variables_of
from demo_engine.variables import variable_value

INSTANCE_SORTS = {
    "instanceId": "h.id",
    "definitionId": "h.definition_id",
    "definitionKey": "h.definition_key",
    "definitionName": "h.definition_name",
    "definitionVersion": "h.definition_version",
    "businessKey": "h.business_key",
    "startTime": "h.start_time",
    "endTime": "h.end_time",
    "duration": "julianday(h.end_time) - julianday(h.start_time)",
    "tenantId": "h.tenant_id",
}
ACTIVITY_SORTS = {
    "activityInstanceId": "aid",
    "instanceId": "h.id",
    "executionId": "s.execution_id",
    "activityId": "s.activity_id",
    "activityType": "s.activity_type",
    "startTime": "s.start_time",
    "endTime": "s.end_time",
    "definitionId": "h.definition_id",
    "occurrence": "s.n",
    "tenantId": "h.tenant_id",
}
VARIABLE_SORTS = {"instanceId": "instance_id", "variableName": "name", "tenantId": "tenant_id"}
BATCH_SORTS = {"batchId": "id", "startTime": "start_time", "endTime": "end_time", "tenantId": "tenant_id"}
HISTORIC_INSTANCE_FILTERS = {
    "processInstanceId", "processInstanceIds", "processDefinitionId", "processDefinitionKey",
    "processDefinitionKeyIn", "processDefinitionKeyNotIn", "processDefinitionName", "processDefinitionNameLike",
    "processInstanceBusinessKey", "processInstanceBusinessKeyLike", "processInstanceBusinessKeyIn",
    "superProcessInstanceId", "subProcessInstanceId", "rootProcessInstances", "finished", "unfinished", "active",
    "suspended", "completed", "externallyTerminated", "internallyTerminated", "withIncidents", "incidentStatus",
    "incidentType",
    "incidentMessage", "incidentMessageLike", "startedBefore", "startedAfter", "finishedBefore", "finishedAfter",
    "activeActivityIdIn", "activityIdIn", "tenantIdIn", "withoutTenantId", "variables", "variableNamesIgnoreCase",
    "variableValuesIgnoreCase", "sorting",
}  # fmt: skip


def _date(raw: Any, name: str) -> str:
    """A date parameter in the stored form (UTC, engine format), so that dates compare as text."""
    try:
        return engine_date(parse_engine_date(str(raw)))
    except ValueError:
        raise invalid(
            f"Cannot set query parameter '{name}' to value '{raw}': not a date (yyyy-MM-dd'T'HH:mm:ss.SSSZ)"
        ) from None


def _started_and_finished(f: Filters, alias: str) -> None:
    """startedBefore/After and finishedBefore/After on the start and end times of `alias`."""
    for name, column, operator in (
        ("startedBefore", "start_time", "<="),
        ("startedAfter", "start_time", ">="),
        ("finishedBefore", "end_time", "<="),
        ("finishedAfter", "end_time", ">="),
    ):
        if f.source.get(name) is not None:
            f.add(f"{alias}.{column} {operator} ?", _date(f.source[name], name))


def _duration(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    return int((parse_engine_date(end) - parse_engine_date(start)).total_seconds() * 1000)


# --- process instances ------------------------------------------------------------------------------------


def _instance_filters(query: dict[str, Any]) -> Filters:
    unknown = set(query) - HISTORIC_INSTANCE_FILTERS
    if unknown:
        raise invalid(f"The demo engine does not support the filter(s): {', '.join(sorted(unknown))}")
    f = Filters(query)
    f.equal("processInstanceId", "h.id")
    f.among("processInstanceIds", "h.id")
    f.equal("processDefinitionId", "h.definition_id")
    f.equal("processDefinitionKey", "h.definition_key")
    f.among("processDefinitionKeyIn", "h.definition_key")
    f.among("processDefinitionKeyNotIn", "h.definition_key", negate=True)
    f.equal("processDefinitionName", "h.definition_name")
    f.like("processDefinitionNameLike", "h.definition_name")
    f.equal("processInstanceBusinessKey", "h.business_key")
    f.like("processInstanceBusinessKeyLike", "h.business_key")
    f.among("processInstanceBusinessKeyIn", "h.business_key")
    f.equal("superProcessInstanceId", "h.super_instance_id")
    if query.get("subProcessInstanceId") is not None:
        f.add(
            "h.id = (SELECT s.super_instance_id FROM history_instance s WHERE s.id = ?)",
            query["subProcessInstanceId"],
        )
    f.flag("rootProcessInstances", "h.super_instance_id IS NULL")
    f.flag("finished", "h.end_time IS NOT NULL")
    f.flag("unfinished", "h.end_time IS NULL")
    f.flag("active", "h.state = 'ACTIVE'")
    f.flag("suspended", "h.state = 'SUSPENDED'")
    f.flag("completed", "h.state = 'COMPLETED'")
    f.flag("externallyTerminated", "h.state = 'EXTERNALLY_TERMINATED'")
    f.flag("internallyTerminated", "h.state = 'INTERNALLY_TERMINATED'")
    _started_and_finished(f, "h")
    incident = Filters(query)
    incident.equal("incidentType", "type")
    incident.equal("incidentMessage", "message")
    incident.like("incidentMessageLike", "message")
    status = query.get("incidentStatus")
    if status not in (None, "open", "resolved"):
        raise invalid(f"Cannot set query parameter 'incidentStatus' to value '{status}'")
    if status == "resolved":  # the demo engine forgets an incident once it is resolved
        f.add("0")
    elif incident.clauses or status == "open" or boolean(query.get("withIncidents"), "withIncidents"):
        f.add(f"h.seq IN (SELECT instance_seq FROM incident{incident.where()})", *incident.args)
    for name in ("activeActivityIdIn", "activityIdIn"):
        activities = listing(query.get(name))
        if activities:
            f.add(
                "h.seq IN (SELECT instance_seq FROM activity_instance WHERE leaf = 1"
                f" AND activity_id IN ({','.join('?' * len(activities))}))",
                *activities,
            )
    f.among("tenantIdIn", "h.tenant_id")
    f.flag("withoutTenantId", "h.tenant_id IS NULL")
    # Running instances keep their variables live, ended ones in history.
    for predicate, args in variable_predicates(query):
        f.add(
            f"(h.seq IN (SELECT v.instance_seq FROM variable v WHERE v.scope_id IS NULL AND {predicate})"
            " OR h.id IN (SELECT v.instance_id FROM history_variable v WHERE v.state != 'DELETED'"
            f" AND v.scope_id = v.instance_id AND {predicate}))",
            *args,
            *args,
        )
    return f


def historic_instance_dto(row) -> dict:
    return {
        "id": row["id"],
        "rootProcessInstanceId": row["root_instance_id"],
        "superProcessInstanceId": row["super_instance_id"],
        "superCaseInstanceId": None,
        "caseInstanceId": None,
        "processDefinitionName": row["definition_name"],
        "processDefinitionKey": row["definition_key"],
        "processDefinitionVersion": row["definition_version"],
        "processDefinitionId": row["definition_id"],
        "businessKey": row["business_key"],
        "startTime": row["start_time"],
        "endTime": row["end_time"],
        "removalTime": None,
        "durationInMillis": _duration(row["start_time"], row["end_time"]),
        "startUserId": None,
        "startActivityId": row["start_activity_id"],
        "deleteReason": row["delete_reason"],
        "tenantId": row["tenant_id"],
        "state": row["state"],
        "restartedProcessInstanceId": None,
    }


def _query(params: dict[str, Any]) -> dict[str, Any]:
    query = {k: v for k, v in params.items() if k not in ("firstResult", "maxResults", "sortBy", "sortOrder")}
    sorting = sorting_from_params(params)
    if sorting:
        query["sorting"] = sorting
    return query


def _find(store: Store, query: dict, params: dict) -> list:
    f = _instance_filters(query)
    sql = f"SELECT h.* FROM history_instance h{f.where()}{order(query.get('sorting') or [], INSTANCE_SORTS, 'h.seq ASC')}"
    return [historic_instance_dto(row) for row in store.db().execute(sql + paging(params), f.args)]


def _count(store: Store, query: dict) -> dict:
    f = _instance_filters({k: v for k, v in query.items() if k != "sorting"})
    return count_of(store, f"SELECT COUNT(*) FROM history_instance h{f.where()}", f.args)


def historic_instance_ids(store: Store, query: Any) -> list[str]:
    if not isinstance(query, dict):
        raise invalid("historicProcessInstanceQuery must be an object")
    f = _instance_filters({k: v for k, v in query.items() if k != "sorting"})
    return [
        row[0]
        for row in store.db().execute(
            f"SELECT h.id FROM history_instance h{f.where()} ORDER BY h.seq", f.args
        )
    ]


def list_historic_instances(store: Store, request: Request, **_: Any) -> list:
    return _find(store, _query(request.params), request.params)


def query_historic_instances(store: Store, request: Request, **_: Any) -> list:
    return _find(store, body_of(request), request.params)


def count_historic_instances(store: Store, request: Request, **_: Any) -> dict:
    return _count(store, _query(request.params))


def query_count_historic_instances(store: Store, request: Request, **_: Any) -> dict:
    return _count(store, body_of(request))


def get_historic_instance(store: Store, request: Request, id: str, **_: Any) -> dict:
    row = store.db().execute("SELECT * FROM history_instance WHERE id = ?", (id,)).fetchone()
    if row is None:
        raise RestError(404, f"Historic process instance with id {id} does not exist")
    return historic_instance_dto(row)


# --- the path taken -------------------------------------------------------------------------------------

STEP_ID = "COALESCE(s.id, s.activity_id || ':00000000-0000-4000-8000-' || printf('%012x', -s.n))"


def _activity_filters(store: Store, params: dict) -> Filters:
    f = Filters(params)
    if params.get("processInstanceId") is not None:
        # A plain value, not a subquery: only then does SQLite push it into both halves of the view.
        row = store.db().execute(
            "SELECT seq FROM history_instance WHERE id = ?", (params["processInstanceId"],)
        )
        f.add("s.instance_seq = ?", (row.fetchone() or [-1])[0])
    f.equal("activityInstanceId", STEP_ID)
    f.equal("processDefinitionId", "h.definition_id")
    f.equal("executionId", "s.execution_id")
    f.equal("activityId", "s.activity_id")
    f.equal("activityType", "s.activity_type")
    f.flag("finished", "s.end_time IS NOT NULL")
    f.flag("unfinished", "s.end_time IS NULL")
    f.flag("canceled", "s.canceled = 1")
    f.flag("completeScope", "s.complete_scope = 1")
    f.among("tenantIdIn", "h.tenant_id")
    _started_and_finished(f, "s")
    return f


def _step_name(key: str, activity_id: str) -> str | None:
    node = MODELS[key].find(activity_id.removesuffix(MULTI_INSTANCE_BODY)) if key in MODELS else None
    return node.name if node else None


def list_historic_activities(store: Store, request: Request, **_: Any) -> list:
    params = request.params
    f = _activity_filters(store, params)
    sql = (
        f"SELECT s.*, {STEP_ID} AS aid, h.id AS instance_id, h.definition_id, h.definition_key, h.tenant_id,"
        f" h.root_instance_id FROM history_step s JOIN history_instance h ON h.seq = s.instance_seq{f.where()}"
        f"{order(sorting_from_params(params), ACTIVITY_SORTS, 's.start_time ASC, s.n ASC')}{paging(params)}"
    )
    return [
        {
            "id": row["aid"],
            "parentActivityInstanceId": row["parent_id"] or row["instance_id"],
            "activityId": row["activity_id"],
            "activityName": _step_name(row["definition_key"], row["activity_id"]),
            "activityType": row["activity_type"],
            "processDefinitionKey": row["definition_key"],
            "processDefinitionId": row["definition_id"],
            "processInstanceId": row["instance_id"],
            "executionId": row["execution_id"] or row["instance_id"],
            "taskId": None,
            "assignee": None,
            "calledProcessInstanceId": row["called_instance_id"],
            "calledCaseInstanceId": None,
            "startTime": row["start_time"],
            "endTime": row["end_time"],
            "durationInMillis": _duration(row["start_time"], row["end_time"]),
            "canceled": bool(row["canceled"]),
            "completeScope": bool(row["complete_scope"]),
            "tenantId": row["tenant_id"],
            "removalTime": None,
            "rootProcessInstanceId": row["root_instance_id"],
        }
        for row in store.db().execute(sql, f.args)
    ]


def count_historic_activities(store: Store, request: Request, **_: Any) -> dict:
    f = _activity_filters(store, request.params)
    sql = f"SELECT COUNT(*) FROM history_step s JOIN history_instance h ON h.seq = s.instance_seq{f.where()}"
    return count_of(store, sql, f.args)


def historic_activity_statistics(store: Store, request: Request, id: str, **_: Any) -> list:
    """Per activity: instances running there, and (when asked) those finished and those cancelled, of
    the process instances started/finished in the window; an activity with none of what was asked is
    left out, as the engine does."""
    params = request.params
    f = Filters(params)
    f.add("h.definition_id = ?", id)
    _started_and_finished(f, "h")
    finished = boolean(params.get("finished"), "finished")
    canceled = boolean(params.get("canceled"), "canceled")
    complete_scope = boolean(params.get("completeScope"), "completeScope")
    sql = (
        "SELECT s.activity_id, SUM(s.end_time IS NULL) AS instances, SUM(s.end_time IS NOT NULL) AS finished,"
        " SUM(s.canceled) AS canceled, SUM(s.complete_scope) AS complete_scope"
        f" FROM history_step s JOIN history_instance h ON h.seq = s.instance_seq{f.where()}"
        " GROUP BY s.activity_id ORDER BY s.activity_id"
    )
    rows = []
    for row in store.db().execute(sql, f.args):
        counts = {
            "instances": row["instances"],
            "finished": row["finished"] if finished else 0,
            "canceled": row["canceled"] if canceled else 0,
            "completeScope": row["complete_scope"] if complete_scope else 0,
        }
        if any(counts.values()):
            rows.append(
                {"id": row["activity_id"], **counts, "openIncidents": 0, "resolvedIncidents": 0,
                 "deletedIncidents": 0}
            )  # fmt: skip
    return rows


# --- variables --------------------------------------------------------------------------------------------

# Variables of running instances are live in `variable`; history_variable keeps the rest.
VARIABLES_SQL = """
SELECT * FROM (
    SELECT '00000000-0000-4000-8000-' || printf('%012x', v.rowid) AS id, i.id AS instance_id,
           COALESCE(v.scope_id, i.id) AS scope_id, v.name, v.type, v.value, v.value_info, v.data,
           COALESCE(v.create_time, i.start_time) AS create_time, 'CREATED' AS state, i.definition_id,
           i.definition_key, i.tenant_id, i.root_instance_id
    FROM instance i JOIN variable v NOT INDEXED ON {variables_of_instance} {running_where}
    UNION ALL
    SELECT x.id, x.instance_id, x.scope_id, x.name, x.type, x.value, x.value_info, NULL, x.create_time, x.state,
           x.definition_id, x.definition_key, h.tenant_id, h.root_instance_id
    FROM history_variable x LEFT JOIN history_instance h ON h.id = x.instance_id {ended_where}
)"""


def _variables_sql(params: dict) -> tuple[str, list]:
    """Both halves filtered the same way, so each uses its own indexes."""
    halves = []
    args: list = []
    for instance_column, alias in (("i.id", "v"), ("x.instance_id", "x")):
        f = Filters(params)
        f.equal("processInstanceId", instance_column)
        f.among("processInstanceIdIn", instance_column)
        f.equal("variableName", f"{alias}.name")
        f.like("variableNameLike", f"{alias}.name")
        f.among("activityInstanceIdIn", f"{alias}.scope_id" if alias == "x" else "COALESCE(v.scope_id, i.id)")
        f.equal("processDefinitionId", "i.definition_id" if alias == "v" else "x.definition_id")
        if alias == "x" and not boolean(params.get("includeDeleted"), "includeDeleted"):
            f.add("x.state != 'DELETED'")
        halves.append(f.where())
        args += f.args
    sql = VARIABLES_SQL.format(
        variables_of_instance=variables_of("i.seq"), running_where=halves[0], ended_where=halves[1]
    )
    return sql, args


def list_historic_variables(store: Store, request: Request, **_: Any) -> list:
    params = request.params
    sql, args = _variables_sql(params)
    deserialize = bool(boolean(params.get("deserializeValues"), "deserializeValues"))
    sql += order(sorting_from_params(params), VARIABLE_SORTS, "create_time ASC, id ASC") + paging(params)
    return [
        {
            "id": row["id"],
            "name": row["name"],
            **variable_value(row, deserialize=deserialize),
            "processDefinitionKey": row["definition_key"],
            "processDefinitionId": row["definition_id"],
            "processInstanceId": row["instance_id"],
            "executionId": row["instance_id"],
            "activityInstanceId": row["scope_id"],
            "caseDefinitionKey": None,
            "caseDefinitionId": None,
            "caseInstanceId": None,
            "caseExecutionId": None,
            "taskId": None,
            "tenantId": row["tenant_id"],
            "errorMessage": None,
            "state": row["state"],
            "createTime": row["create_time"],
            "removalTime": None,
            "rootProcessInstanceId": row["root_instance_id"],
        }
        for row in store.db().execute(sql, args)
    ]


def count_historic_variables(store: Store, request: Request, **_: Any) -> dict:
    sql, args = _variables_sql(request.params)
    return count_of(store, f"SELECT COUNT(*) FROM ({sql})", args)


# --- the user operation log ---------------------------------------------------------------------------------


def _operation_filters(params: dict) -> Filters:
    f = Filters(params)
    for name, column in (
        ("processDefinitionId", "definition_id"),
        ("processDefinitionKey", "definition_key"),
        ("processInstanceId", "instance_id"),
        ("executionId", "execution_id"),
        ("batchId", "batch_id"),
        ("jobId", "job_id"),
        ("userId", "user_id"),
        ("operationId", "operation_id"),
        ("operationType", "operation_type"),
        ("entityType", "entity_type"),
        ("category", "category"),
        ("property", "property"),
    ):
        f.equal(name, column)
    f.among("entityTypeIn", "entity_type")
    f.among("categoryIn", "category")
    if params.get("afterTimestamp") is not None:
        f.add("timestamp > ?", _date(params["afterTimestamp"], "afterTimestamp"))
    if params.get("beforeTimestamp") is not None:
        f.add("timestamp < ?", _date(params["beforeTimestamp"], "beforeTimestamp"))
    return f


def _operation_dto(row) -> dict:
    return {
        "id": row["id"],
        "userId": row["user_id"],
        "timestamp": row["timestamp"],
        "operationId": row["operation_id"],
        "operationType": row["operation_type"],
        "entityType": row["entity_type"],
        "category": row["category"],
        "annotation": row["annotation"],
        "property": row["property"],
        "orgValue": row["org_value"],
        "newValue": row["new_value"],
        "deploymentId": None,
        "processDefinitionId": row["definition_id"],
        "processDefinitionKey": row["definition_key"],
        "processInstanceId": row["instance_id"],
        "executionId": row["execution_id"],
        "caseDefinitionId": None,
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": None,
        "externalTaskId": None,
        "batchId": row["batch_id"],
        "jobId": row["job_id"],
        "jobDefinitionId": None,
        "removalTime": None,
        "rootProcessInstanceId": None,
    }


def list_user_operations(store: Store, request: Request, **_: Any) -> list:
    f = _operation_filters(request.params)
    sorts = {"timestamp": "timestamp"}
    return table_page(store, request.params, "user_operation", f, sorts, "rowid ASC", _operation_dto)


def count_user_operations(store: Store, request: Request, **_: Any) -> dict:
    return table_count(store, "user_operation", _operation_filters(request.params))


# --- batches ----------------------------------------------------------------------------------------------


def _historic_batch_filters(params: dict) -> Filters:
    f = batch_filters({k: v for k, v in params.items() if k != "suspended"})
    completed = boolean(params.get("completed"), "completed")
    if completed is not None:
        f.add("end_time IS NOT NULL" if completed else "end_time IS NULL")
    return f


def list_historic_batches(store: Store, request: Request, **_: Any) -> list:
    f = _historic_batch_filters(request.params)
    dto = partial(batch_dto, historic=True)
    return table_page(store, request.params, "batch", f, BATCH_SORTS, "start_time ASC, id ASC", dto)


def count_historic_batches(store: Store, request: Request, **_: Any) -> dict:
    return table_count(store, "batch", _historic_batch_filters(request.params))


def get_historic_batch(store: Store, request: Request, id: str, **_: Any) -> dict:
    row = store.db().execute("SELECT * FROM batch WHERE id = ?", (id,)).fetchone()
    if row is None:
        raise RestError(404, f"Historic batch for id '{id}' cannot be found")
    return batch_dto(row, historic=True)


# --- incidents ----------------------------------------------------------------------------------------------


def count_historic_incidents(store: Store, request: Request, **_: Any) -> dict:
    """Incidents by when they were raised. The demo keeps no record of a resolved incident, so its
    history holds the open ones; Camunda counts the resolved ones too."""
    f = Filters(request.params)
    for name, operator in (("createTimeBefore", "<"), ("createTimeAfter", ">")):
        if request.params.get(name) is not None:
            f.add(f"timestamp {operator} ?", _date(request.params[name], name))
    return table_count(store, "incident", f)
