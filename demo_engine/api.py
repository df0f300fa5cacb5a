"""The endpoints: each takes the store, path parameters, query parameters and JSON body."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from demo_engine.errors import RestError, invalid, not_found
from demo_engine.store import Store

VERSION = "7.22.0"
PAGE_DEFAULT = None
INSTANCE_SORTS = {
    "instanceId": "i.id",
    "definitionId": "i.definition_id",
    "definitionKey": "i.definition_key",
    "businessKey": "i.business_key",
    "tenantId": "i.tenant_id",
}
DEFINITION_SORTS = {"key": "key", "id": "id", "name": "name", "version": "version", "tenantId": "tenant_id"}
INCIDENT_SORTS = {
    "incidentId": "id",
    "incidentMessage": "message",
    "incidentTimestamp": "timestamp",
    "incidentType": "type",
    "activityId": "activity_id",
    "processInstanceId": "instance_id",
    "processDefinitionId": "definition_id",
}
OPERATORS = {"eq": "=", "neq": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=", "like": "LIKE"}


def _bool(raw: Any, name: str) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return raw == "true"
    raise invalid(f"Cannot set query parameter '{name}' to value '{raw}'")


def _int(raw: Any, name: str) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise invalid(f"Cannot set query parameter '{name}' to value '{raw}'") from None


def _list(raw: Any) -> list[str]:
    if raw is None:
        return []
    return raw if isinstance(raw, list) else [part for part in str(raw).split(",") if part]


def _paging(params: dict[str, Any]) -> str:
    first = _int(params.get("firstResult"), "firstResult") or 0
    limit = _int(params.get("maxResults"), "maxResults")
    return f" LIMIT {limit if limit is not None else -1} OFFSET {first}"


def _order(sorting: list[dict[str, Any]], columns: dict[str, str], default: str) -> str:
    parts = []
    for item in sorting:
        by, order = item.get("sortBy"), item.get("sortOrder")
        if by not in columns:
            raise invalid(f"Cannot set query parameter 'sortBy' to value '{by}'")
        if order not in ("asc", "desc"):
            raise invalid(f"Cannot set query parameter 'sortOrder' to value '{order}'")
        parts.append(f"{columns[by]} {order.upper()}")
    return " ORDER BY " + ", ".join([*parts, default])


def _sorting_from_params(params: dict[str, Any]) -> list[dict[str, Any]]:
    by, order = params.get("sortBy"), params.get("sortOrder")
    if by is None and order is None:
        return []
    if by is None or order is None:
        raise invalid("Only a single sorting parameter specified. sortBy and sortOrder required")
    return [{"sortBy": by, "sortOrder": order}]


# --- engine --------------------------------------------------------------------------------------


def version(store: Store, **_: Any) -> dict:
    return {"version": VERSION}


def engines(store: Store, **_: Any) -> list:
    return [{"name": "default"}]


# --- process definitions ----------------------------------------------------------------------------


def _definition(row) -> dict:
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


def _definition_where(params: dict[str, Any]) -> tuple[str, list]:
    clauses, args = [], []
    for name, column in (("key", "key"), ("name", "name"), ("processDefinitionId", "id")):
        if params.get(name) is not None:
            clauses.append(f"{column} = ?")
            args.append(params[name])
    for name, column in (("keyLike", "key"), ("nameLike", "name")):
        if params.get(name) is not None:
            clauses.append(f"{column} LIKE ?")
            args.append(params[name])
    if _bool(params.get("latestVersion"), "latestVersion"):
        clauses.append(
            "version = (SELECT MAX(version) FROM definition d2 WHERE d2.key = definition.key "
            "AND d2.tenant_id IS definition.tenant_id)"
        )
    suspended = _bool(params.get("suspended"), "suspended")
    if suspended is not None:
        clauses.append("suspended = ?")
        args.append(int(suspended))
    tenants = _list(params.get("tenantIdIn"))
    if tenants:
        clauses.append(f"tenant_id IN ({','.join('?' * len(tenants))})")
        args.extend(tenants)
    if _bool(params.get("withoutTenantId"), "withoutTenantId"):
        clauses.append("tenant_id IS NULL")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def list_definitions(store: Store, params: dict, **_: Any) -> list:
    where, args = _definition_where(params)
    order = _order(_sorting_from_params(params), DEFINITION_SORTS, "id ASC")
    rows = store.db().execute(f"SELECT * FROM definition{where}{order}{_paging(params)}", args)
    return [_definition(row) for row in rows]


def count_definitions(store: Store, params: dict, **_: Any) -> dict:
    where, args = _definition_where(params)
    return {"count": store.db().execute(f"SELECT COUNT(*) FROM definition{where}", args).fetchone()[0]}


def _definition_row(store: Store, definition_id: str):
    row = store.db().execute("SELECT * FROM definition WHERE id = ?", (definition_id,)).fetchone()
    if row is None:
        raise not_found(f"No matching definition with id {definition_id}")
    return row


def get_definition(store: Store, id: str, **_: Any) -> dict:
    return _definition(_definition_row(store, id))


def get_definition_by_key(store: Store, key: str, tenant: str | None = None, **_: Any) -> dict:
    row = (
        store.db()
        .execute(
            "SELECT * FROM definition WHERE key = ? AND tenant_id IS ? ORDER BY version DESC LIMIT 1",
            (key, tenant),
        )
        .fetchone()
    )
    if row is None:
        raise not_found(
            f"No matching process definition with key: {key} and {'tenant-id: ' + tenant if tenant else 'no tenant-id'}"
        )
    return _definition(row)


def definition_xml(store: Store, id: str, **_: Any) -> dict:
    row = _definition_row(store, id)
    return {"id": row["id"], "bpmn20Xml": row["xml"]}


def _incident_counts(rows) -> dict[str, list[dict]]:
    counts: dict[str, list[dict]] = {}
    for row in rows:
        counts.setdefault(row[0], []).append({"incidentType": row[1], "incidentCount": row[2]})
    return counts


def definition_statistics(store: Store, params: dict, **_: Any) -> list:
    db = store.db()
    instances = dict(
        db.execute("SELECT definition_id, COUNT(*) FROM instance GROUP BY definition_id").fetchall()
    )
    failed = dict(
        db.execute(
            "SELECT definition_id, COUNT(*) FROM job WHERE retries = 0 GROUP BY definition_id"
        ).fetchall()
    )
    incidents = _incident_counts(
        db.execute(
            "SELECT definition_id, type, COUNT(*) FROM incident GROUP BY definition_id, type"
        ).fetchall()
    )
    with_failed = _bool(params.get("failedJobs"), "failedJobs")
    with_incidents = _bool(params.get("incidents"), "incidents") or _bool(
        params.get("rootIncidents"), "rootIncidents"
    )
    result = []
    for row in db.execute("SELECT * FROM definition ORDER BY id"):
        result.append(
            {
                "@class": "org.camunda.bpm.engine.rest.dto.repository.ProcessDefinitionStatisticsResultDto",
                "id": row["id"],
                "instances": instances.get(row["id"], 0),
                "failedJobs": failed.get(row["id"], 0) if with_failed else 0,
                "incidents": incidents.get(row["id"], []) if with_incidents else [],
                "definition": _definition(row),
            }
        )
    return result


def activity_statistics(store: Store, id: str, params: dict, **_: Any) -> list:
    db = store.db()
    _definition_row(store, id)
    instances = db.execute(
        "SELECT t.activity_id, COUNT(*) FROM token t JOIN instance i ON i.id = t.instance_id "
        "WHERE i.definition_id = ? GROUP BY t.activity_id",
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
        ).fetchall()
    )
    with_failed = _bool(params.get("failedJobs"), "failedJobs")
    with_incidents = _bool(params.get("incidents"), "incidents")
    return [
        {
            "@class": "org.camunda.bpm.engine.rest.dto.repository.ActivityStatisticsResultDto",
            "id": activity,
            "instances": count,
            "failedJobs": failed.get(activity, 0) if with_failed else 0,
            "incidents": incidents.get(activity, []) if with_incidents else [],
        }
        for activity, count in sorted(tuple(row) for row in instances)
    ]


# --- process instances ---------------------------------------------------------------------------------

# Filters of the seed's POST query this engine answers; any other is refused, not ignored.
INSTANCE_FILTERS = {
    "processInstanceIds",
    "businessKey",
    "businessKeyLike",
    "processDefinitionId",
    "processDefinitionKey",
    "processDefinitionKeyIn",
    "processDefinitionKeyNotIn",
    "active",
    "suspended",
    "withIncident",
    "incidentId",
    "incidentType",
    "incidentMessage",
    "incidentMessageLike",
    "tenantIdIn",
    "withoutTenantId",
    "activityIdIn",
    "rootProcessInstances",
    "variables",
    "variableNamesIgnoreCase",
    "variableValuesIgnoreCase",
    "sorting",
}


def _instance_where(query: dict[str, Any]) -> tuple[str, list]:
    unknown = set(query) - INSTANCE_FILTERS
    if unknown:
        raise invalid(f"The demo engine does not support the filter(s): {', '.join(sorted(unknown))}")
    clauses, args = [], []

    def equal(name: str, column: str) -> None:
        if query.get(name) is not None:
            clauses.append(f"{column} = ?")
            args.append(query[name])

    def among(name: str, column: str, negate: bool = False) -> None:
        values = _list(query.get(name))
        if values:
            clauses.append(f"{column} {'NOT ' if negate else ''}IN ({','.join('?' * len(values))})")
            args.extend(values)

    among("processInstanceIds", "i.id")
    equal("businessKey", "i.business_key")
    if query.get("businessKeyLike") is not None:
        clauses.append("i.business_key LIKE ?")
        args.append(query["businessKeyLike"])
    equal("processDefinitionId", "i.definition_id")
    equal("processDefinitionKey", "i.definition_key")
    among("processDefinitionKeyIn", "i.definition_key")
    among("processDefinitionKeyNotIn", "i.definition_key", negate=True)
    if _bool(query.get("active"), "active"):
        clauses.append("i.suspended = 0")
    if _bool(query.get("suspended"), "suspended"):
        clauses.append("i.suspended = 1")
    among("tenantIdIn", "i.tenant_id")
    if _bool(query.get("withoutTenantId"), "withoutTenantId"):
        clauses.append("i.tenant_id IS NULL")
    incident = []
    if _bool(query.get("withIncident"), "withIncident"):
        incident.append("1 = 1")
    for name, column, op in (
        ("incidentId", "x.id", "="),
        ("incidentType", "x.type", "="),
        ("incidentMessage", "x.message", "="),
        ("incidentMessageLike", "x.message", "LIKE"),
    ):
        if query.get(name) is not None:
            incident.append(f"{column} {op} ?")
            args.append(query[name])
    if incident:
        clauses.append(
            f"EXISTS (SELECT 1 FROM incident x WHERE x.instance_id = i.id AND {' AND '.join(incident)})"
        )
    activities = _list(query.get("activityIdIn"))
    if activities:
        clauses.append(
            f"EXISTS (SELECT 1 FROM token t WHERE t.instance_id = i.id AND t.activity_id IN ({','.join('?' * len(activities))}))"
        )
        args.extend(activities)
    names_ignore_case = _bool(query.get("variableNamesIgnoreCase"), "variableNamesIgnoreCase")
    values_ignore_case = _bool(query.get("variableValuesIgnoreCase"), "variableValuesIgnoreCase")
    for condition in query.get("variables") or []:
        clause, more = _variable_condition(condition, names_ignore_case, values_ignore_case)
        clauses.append(clause)
        args.extend(more)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def _variable_condition(condition: dict, names_ignore_case: bool | None, values_ignore_case: bool | None):
    name, operator, value = condition.get("name"), condition.get("operator"), condition.get("value")
    if not name or operator not in OPERATORS:
        raise invalid(f"Invalid variable comparator specified: {operator}")
    name_clause = "lower(v.name) = lower(?)" if names_ignore_case else "v.name = ?"
    sql_op = OPERATORS[operator]
    if isinstance(value, bool):
        column, value = "v.text", "true" if value else "false"
    elif isinstance(value, int | float):
        column = "v.number"
    else:
        if operator in ("gt", "gteq", "lt", "lteq") and _is_number(value):
            column, value = "v.number", float(value)
        else:
            column, value = "v.text", str(value)
    if column == "v.number" and operator == "like":
        raise invalid("Booleans and numbers cannot be used in a like comparison")
    if values_ignore_case and column == "v.text":
        column, value = f"lower({column})", str(value).lower()
    return (
        f"EXISTS (SELECT 1 FROM variable v WHERE v.instance_id = i.id AND {name_clause} AND {column} {sql_op} ?)",
        [name, value],
    )


def _is_number(value: Any) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def _query_from_params(params: dict[str, Any]) -> dict[str, Any]:
    """The GET form of the query as the POST body would spell it."""
    query = {k: v for k, v in params.items() if k not in ("firstResult", "maxResults", "sortBy", "sortOrder")}
    if "variables" in query:
        conditions = []
        for item in _list(query["variables"]):
            match = re.fullmatch(r"(.+?)_(eq|neq|gteq|gt|lteq|lt|like)_(.*)", item)
            if not match:
                raise invalid(f"variable query parameter has to have format KEY_OPERATOR_VALUE: {item}")
            conditions.append({"name": match[1], "operator": match[2], "value": match[3]})
        query["variables"] = conditions
    sorting = _sorting_from_params(params)
    if sorting:
        query["sorting"] = sorting
    return query


def _instance(row) -> dict:
    return {
        "links": [],
        "id": row["id"],
        "definitionId": row["definition_id"],
        "businessKey": row["business_key"],
        "caseInstanceId": None,
        "ended": False,
        "suspended": bool(row["suspended"]),
        "tenantId": row["tenant_id"],
    }


def _find_instances(store: Store, query: dict, params: dict) -> list:
    where, args = _instance_where(query)
    order = _order(query.get("sorting") or [], INSTANCE_SORTS, "i.seq ASC")
    rows = store.db().execute(f"SELECT i.* FROM instance i{where}{order}{_paging(params)}", args)
    return [_instance(row) for row in rows]


def _count_instances(store: Store, query: dict) -> dict:
    where, args = _instance_where({k: v for k, v in query.items() if k != "sorting"})
    return {"count": store.db().execute(f"SELECT COUNT(*) FROM instance i{where}", args).fetchone()[0]}


def list_instances(store: Store, params: dict, **_: Any) -> list:
    return _find_instances(store, _query_from_params(params), params)


def query_instances(store: Store, params: dict, body: Any, **_: Any) -> list:
    return _find_instances(store, body or {}, params)


def count_instances(store: Store, params: dict, **_: Any) -> dict:
    return _count_instances(store, _query_from_params(params))


def query_count_instances(store: Store, body: Any, **_: Any) -> dict:
    return _count_instances(store, body or {})


def _instance_row(store: Store, instance_id: str):
    row = store.db().execute("SELECT * FROM instance WHERE id = ?", (instance_id,)).fetchone()
    if row is None:
        raise not_found(f"Process instance with id {instance_id} does not exist")
    return row


def get_instance(store: Store, id: str, **_: Any) -> dict:
    return _instance(_instance_row(store, id))


def activity_instance_tree(store: Store, id: str, **_: Any) -> dict:
    row = _instance_row(store, id)
    db = store.db()
    definition = _definition_row(store, row["definition_id"])
    from demo_engine.models import MODELS

    model = next(m for m in MODELS if m.key == definition["key"])
    incidents: dict[str, list[str]] = {}
    for incident in db.execute("SELECT id, execution_id FROM incident WHERE instance_id = ?", (id,)):
        incidents.setdefault(incident["execution_id"], []).append(incident["id"])
    children, transitions = [], []
    for token in db.execute("SELECT * FROM token WHERE instance_id = ? ORDER BY id", (id,)):
        node = model.node(token["activity_id"])
        common = {
            "id": token["id"],
            "parentActivityInstanceId": id,
            "activityId": node.id,
            "activityType": node.type,
            "processInstanceId": id,
            "processDefinitionId": row["definition_id"],
            "activityName": node.name,
            "incidentIds": incidents.get(token["id"], []),
            "incidents": [{"id": i, "parentActivityInstanceId": id} for i in incidents.get(token["id"], [])],
        }
        if token["kind"] == "transition":
            transitions.append({**common, "executionId": token["id"]})
        else:
            children.append(
                {
                    **common,
                    "childActivityInstances": [],
                    "childTransitionInstances": [],
                    "executionIds": [token["id"]],
                    "name": node.name,
                }
            )
    return {
        "id": id,
        "parentActivityInstanceId": None,
        "activityId": row["definition_id"],
        "activityType": "processDefinition",
        "processInstanceId": id,
        "processDefinitionId": row["definition_id"],
        "childActivityInstances": children,
        "childTransitionInstances": transitions,
        "executionIds": [id],
        "activityName": definition["name"],
        "incidentIds": [],
        "incidents": [],
        "name": definition["name"],
    }


def _variable_dto(row) -> dict:
    value = json.loads(row["value"])
    return {"type": row["type"], "value": value, "valueInfo": json.loads(row["value_info"] or "{}")}


def instance_variables(store: Store, id: str, params: dict, **_: Any) -> dict:
    _instance_row(store, id)
    rows = store.db().execute("SELECT * FROM variable WHERE instance_id = ? ORDER BY name", (id,))
    return {row["name"]: _variable_dto(row) for row in rows}


# --- incidents ---------------------------------------------------------------------------------------------


def _incident(row) -> dict:
    return {
        "id": row["id"],
        "processDefinitionId": row["definition_id"],
        "processInstanceId": row["instance_id"],
        "executionId": row["execution_id"],
        "incidentTimestamp": row["timestamp"],
        "incidentType": row["type"],
        "activityId": row["activity_id"],
        "failedActivityId": row["activity_id"],
        "causeIncidentId": row["id"],
        "rootCauseIncidentId": row["id"],
        "configuration": row["job_id"],
        "tenantId": None,
        "incidentMessage": row["message"],
        "jobDefinitionId": None,
        "annotation": row["annotation"],
    }


def _incident_where(params: dict) -> tuple[str, list]:
    clauses, args = [], []
    for name, column, op in (
        ("incidentId", "id", "="),
        ("incidentType", "type", "="),
        ("incidentMessage", "message", "="),
        ("incidentMessageLike", "message", "LIKE"),
        ("processDefinitionId", "definition_id", "="),
        ("processInstanceId", "instance_id", "="),
        ("activityId", "activity_id", "="),
        ("failedActivityId", "activity_id", "="),
        ("configuration", "job_id", "="),
    ):
        if params.get(name) is not None:
            clauses.append(f"{column} {op} ?")
            args.append(params[name])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def list_incidents(store: Store, params: dict, **_: Any) -> list:
    where, args = _incident_where(params)
    order = _order(_sorting_from_params(params), INCIDENT_SORTS, "id ASC")
    return [
        _incident(r)
        for r in store.db().execute(f"SELECT * FROM incident{where}{order}{_paging(params)}", args)
    ]


def count_incidents(store: Store, params: dict, **_: Any) -> dict:
    where, args = _incident_where(params)
    return {"count": store.db().execute(f"SELECT COUNT(*) FROM incident{where}", args).fetchone()[0]}


# --- batches (none yet: this engine runs no asynchronous operations so far) ----------------------------------


def batch_statistics(store: Store, params: dict, **_: Any) -> list:
    _order(_sorting_from_params(params), {"batchId": "id", "tenantId": "tenant_id"}, "id")
    return []


Handler = Callable[..., Any]

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", r"/version", version),
    ("GET", r"/engine", engines),
    ("GET", r"/process-definition", list_definitions),
    ("GET", r"/process-definition/count", count_definitions),
    ("GET", r"/process-definition/statistics", definition_statistics),
    ("GET", r"/process-definition/key/(?P<key>[^/]+)", get_definition_by_key),
    ("GET", r"/process-definition/key/(?P<key>[^/]+)/tenant-id/(?P<tenant>[^/]+)", get_definition_by_key),
    ("GET", r"/process-definition/(?P<id>[^/]+)", get_definition),
    ("GET", r"/process-definition/(?P<id>[^/]+)/xml", definition_xml),
    ("GET", r"/process-definition/(?P<id>[^/]+)/statistics", activity_statistics),
    ("GET", r"/process-instance", list_instances),
    ("POST", r"/process-instance", query_instances),
    ("GET", r"/process-instance/count", count_instances),
    ("POST", r"/process-instance/count", query_count_instances),
    ("GET", r"/process-instance/(?P<id>[^/]+)", get_instance),
    ("GET", r"/process-instance/(?P<id>[^/]+)/activity-instances", activity_instance_tree),
    ("GET", r"/process-instance/(?P<id>[^/]+)/variables", instance_variables),
    ("GET", r"/incident", list_incidents),
    ("GET", r"/incident/count", count_incidents),
    ("GET", r"/batch/statistics", batch_statistics),
]
COMPILED = [(method, re.compile(pattern + r"/?"), handler) for method, pattern, handler in ROUTES]


def resolve(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    path_matched = False
    for route_method, pattern, handler in COMPILED:
        match = pattern.fullmatch(path)
        if match:
            path_matched = True
            if route_method == method:
                return handler, match.groupdict()
    if path_matched:
        raise RestError(405, f"Method {method} is not allowed on {path}", "RestException")
    raise RestError(404, f"No resource at {path}", "RestException")
