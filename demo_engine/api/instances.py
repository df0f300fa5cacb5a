"""/process-instance: queries, the activity instance tree, and every action on one instance or many."""

from __future__ import annotations

import re
from typing import Any

from demo_engine.api.common import (
    Filters,
    Request,
    body_of,
    boolean,
    command,
    count_of,
    listing,
    order,
    paging,
    sorting_from_params,
    variable_predicates,
)
from demo_engine.api.definitions import definition_row
from demo_engine.api.history import historic_instance_ids
from demo_engine.batches import create_batch
from demo_engine.errors import RestError, invalid
from demo_engine.models import MODELS, MULTI_INSTANCE_BODY
from demo_engine.store import Store, variables_of
from demo_engine.variables import variable_columns

SORTS = {
    "instanceId": "i.id",
    "definitionId": "i.definition_id",
    "definitionKey": "i.definition_key",
    "businessKey": "i.business_key",
    "tenantId": "i.tenant_id",
}
# Filters of the seed's POST query this engine answers; any other is refused, not ignored.
FILTERS = {
    "processInstanceIds", "businessKey", "businessKeyLike", "caseInstanceId", "processDefinitionId",
    "processDefinitionKey", "processDefinitionKeyIn", "processDefinitionKeyNotIn", "deploymentId",
    "superProcessInstance", "subProcessInstance", "superCaseInstance", "subCaseInstance", "active", "suspended",
    "withIncident", "incidentId", "incidentType", "incidentMessage", "incidentMessageLike", "tenantIdIn",
    "withoutTenantId", "processDefinitionWithoutTenantId", "activityIdIn", "rootProcessInstances",
    "leafProcessInstances", "variables", "variableNamesIgnoreCase", "variableValuesIgnoreCase", "sorting",
}  # fmt: skip


def instance_filters(query: dict[str, Any]) -> Filters:
    unknown = set(query) - FILTERS
    if unknown:
        raise invalid(f"The demo engine does not support the filter(s): {', '.join(sorted(unknown))}")
    f = Filters(query)
    f.among("processInstanceIds", "i.id")
    f.equal("businessKey", "i.business_key")
    f.like("businessKeyLike", "i.business_key")
    f.equal("processDefinitionId", "i.definition_id")
    f.equal("processDefinitionKey", "i.definition_key")
    f.among("processDefinitionKeyIn", "i.definition_key")
    f.among("processDefinitionKeyNotIn", "i.definition_key", negate=True)
    f.equal("deploymentId", "(SELECT deployment_id FROM definition d WHERE d.id = i.definition_id)")
    f.equal("superProcessInstance", "i.super_instance_id")
    if query.get("subProcessInstance") is not None:
        f.add(
            "i.id = (SELECT s.super_instance_id FROM instance s WHERE s.id = ?)", query["subProcessInstance"]
        )
    for case_filter in ("caseInstanceId", "superCaseInstance", "subCaseInstance"):
        if query.get(case_filter) is not None:
            f.add("0 = 1")  # this engine runs no cases
    f.flag("active", "i.suspended = 0")
    f.flag("suspended", "i.suspended = 1")
    f.among("tenantIdIn", "i.tenant_id")
    f.flag("withoutTenantId", "i.tenant_id IS NULL")
    f.flag(
        "processDefinitionWithoutTenantId",
        "i.definition_id IN (SELECT id FROM definition WHERE tenant_id IS NULL)",
    )
    f.flag("rootProcessInstances", "i.super_instance_id IS NULL")
    f.flag("leafProcessInstances", "NOT EXISTS (SELECT 1 FROM instance s WHERE s.super_instance_id = i.id)")
    incident = Filters(query)
    incident.equal("incidentId", "id")
    incident.equal("incidentType", "type")
    incident.equal("incidentMessage", "message")
    incident.like("incidentMessageLike", "message")
    if incident.clauses or boolean(query.get("withIncident"), "withIncident"):
        if listing(query.get("processInstanceIds")):
            # A few named instances: look each one up, rather than gather every incident first.
            more = "".join(f" AND {clause}" for clause in incident.clauses)
            f.add(f"EXISTS (SELECT 1 FROM incident n WHERE n.instance_id = i.id{more})", *incident.args)
        else:
            f.add(f"i.seq IN (SELECT instance_seq FROM incident{incident.where()})", *incident.args)
    activities = listing(query.get("activityIdIn"))
    if activities:
        f.add(
            "i.seq IN (SELECT instance_seq FROM activity_instance WHERE leaf = 1"
            f" AND activity_id IN ({','.join('?' * len(activities))}))",
            *activities,
        )
    return f


def _probe(predicate: str) -> str:
    """Per instance, through its rowid range (NOT INDEXED: else SQLite prefers the value index and
    walks it for every instance): cheap when many instances match."""
    return f"EXISTS (SELECT 1 FROM variable v NOT INDEXED WHERE {variables_of('i.seq')} AND {GLOBAL} AND {predicate})"


def _member(predicate: str) -> str:
    """All matches first, through the value index: cheap when few instances match."""
    return f"i.seq IN (SELECT v.instance_seq FROM variable v WHERE {GLOBAL} AND {predicate})"


GLOBAL = "v.scope_id IS NULL"
SELECTIVE = 2000  # matches below which a variable filter drives a page rather than being probed per row


def query_from_params(params: dict[str, Any]) -> dict[str, Any]:
    """The GET form of the query as the POST body would spell it."""
    query = {k: v for k, v in params.items() if k not in ("firstResult", "maxResults", "sortBy", "sortOrder")}
    if "variables" in query:
        conditions = []
        for item in listing(query["variables"]):
            match = re.fullmatch(r"(.+?)_(eq|neq|gteq|gt|lteq|lt|like)_(.*)", item)
            if not match:
                raise invalid(f"variable query parameter has to have format KEY_OPERATOR_VALUE: {item}")
            conditions.append({"name": match[1], "operator": match[2], "value": match[3]})
        query["variables"] = conditions
    sorting = sorting_from_params(params)
    if sorting:
        query["sorting"] = sorting
    return query


def instance_dto(row) -> dict:
    return {
        "links": [],
        "id": row["id"],
        "definitionId": row["definition_id"],
        "businessKey": row["business_key"],
        "caseInstanceId": None,
        "ended": False,
        "suspended": bool(row["suspended"]),
        "tenantId": row["tenant_id"],
        "definitionKey": row["definition_key"],
    }


def _selective(store: Store, predicate: str, args: list) -> bool:
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM variable v WHERE {GLOBAL} AND {predicate} LIMIT {SELECTIVE})"
    return store.db().execute(sql, args).fetchone()[0] < SELECTIVE


def _page_filters(store: Store, query: dict) -> Filters:
    """A page walks instances in order and stops when full: variable filters that match many
    are probed per instance, one that matches few is looked up first."""
    f = instance_filters(query)
    for predicate, args in variable_predicates(query):
        f.add((_member if _selective(store, predicate, args) else _probe)(predicate), *args)
    return f


def matching_ids(store: Store, query: dict) -> list[str]:
    query = {k: v for k, v in query.items() if k != "sorting"}
    f = instance_filters(query)
    for predicate, args in variable_predicates(query):
        f.add(_member(predicate), *args)
    return [
        row[0] for row in store.db().execute(f"SELECT i.id FROM instance i{f.where()} ORDER BY i.seq", f.args)
    ]


def _find(store: Store, query: dict, params: dict) -> list:
    f = _page_filters(store, query)
    sql = f"SELECT i.* FROM instance i{f.where()}{order(query.get('sorting') or [], SORTS, 'i.seq ASC')}"
    return [instance_dto(row) for row in store.db().execute(sql + paging(params), f.args)]


def _count(store: Store, query: dict) -> dict:
    """A count visits every match: the first variable filter drives it through its value index."""
    query = {k: v for k, v in query.items() if k != "sorting"}
    f = instance_filters(query)
    predicates = variable_predicates(query)
    if not predicates:
        return count_of(store, f"SELECT COUNT(*) FROM instance i{f.where()}", f.args)
    (first, first_args), rest = predicates[0], predicates[1:]
    for predicate, args in rest:
        f.add(_probe(predicate), *args)
    # Every global variable belongs to a running instance, one per name: alone, the index counts.
    join = " JOIN instance i ON i.seq = v.instance_seq" if f.clauses else ""
    where = f.where().replace(" WHERE ", " AND ", 1)
    sql = f"SELECT COUNT(*) FROM variable v{join} WHERE {GLOBAL} AND {first}{where}"
    return count_of(store, sql, [*first_args, *f.args])


def list_instances(store: Store, request: Request, **_: Any) -> list:
    return _find(store, query_from_params(request.params), request.params)


def query_instances(store: Store, request: Request, **_: Any) -> list:
    return _find(store, body_of(request), request.params)


def count_instances(store: Store, request: Request, **_: Any) -> dict:
    return _count(store, query_from_params(request.params))


def query_count_instances(store: Store, request: Request, **_: Any) -> dict:
    return _count(store, body_of(request))


def instance_row(store: Store, instance_id: str):
    row = store.db().execute("SELECT * FROM instance WHERE id = ?", (instance_id,)).fetchone()
    if row is None:
        raise RestError(404, f"Process instance with id {instance_id} does not exist")
    return row


def get_instance(store: Store, request: Request, id: str, **_: Any) -> dict:
    return instance_dto(instance_row(store, id))


# --- the activity instance tree ---------------------------------------------------------------------


def activity_instance_tree(store: Store, request: Request, id: str, **_: Any) -> dict:
    instance = instance_row(store, id)
    db = store.db()
    model = MODELS[instance["definition_key"]]
    definition = definition_row(store, instance["definition_id"])
    incidents: dict[str, list[str]] = {}
    for incident in db.execute(
        "SELECT id, execution_id FROM incident WHERE instance_id = ? ORDER BY id", (id,)
    ):
        incidents.setdefault(incident["execution_id"], []).append(incident["id"])
    tokens = db.execute(
        "SELECT * FROM activity_instance WHERE instance_seq = ? ORDER BY rowid", (instance["seq"],)
    ).fetchall()
    by_parent: dict[str, list] = {}
    for token in tokens:
        by_parent.setdefault(token["parent_id"], []).append(token)

    def common(token) -> dict:
        name = model.node(token["activity_id"].removesuffix(MULTI_INSTANCE_BODY)).name
        found = incidents.get(token["execution_id"], [])
        return {
            "id": token["id"],
            "parentActivityInstanceId": token["parent_id"],
            "activityId": token["activity_id"],
            "activityType": token["activity_type"],
            "processInstanceId": id,
            "processDefinitionId": instance["definition_id"],
            "activityName": name,
            "incidentIds": found,
            "incidents": [{"id": i, "parentActivityInstanceId": token["id"]} for i in found],
        }

    def node(token_id: str, fields: dict, execution_ids: list[str]) -> dict:
        children = by_parent.get(token_id, [])
        return {
            **fields,
            "childActivityInstances": [
                node(t["id"], common(t), [t["execution_id"]]) for t in children if t["kind"] == "activity"
            ],
            "childTransitionInstances": [
                {**common(t), "executionId": t["execution_id"]} for t in children if t["kind"] == "transition"
            ],
            "executionIds": execution_ids,
            "name": fields["activityName"],
        }

    root = {
        "id": id,
        "parentActivityInstanceId": None,
        "activityId": instance["definition_id"],
        "activityType": "processDefinition",
        "processInstanceId": id,
        "processDefinitionId": instance["definition_id"],
        "activityName": definition["name"],
        "incidentIds": [],
        "incidents": [],
    }
    return node(id, root, [id])


# --- actions on one instance ----------------------------------------------------------------------------


def delete_instance(store: Store, request: Request, id: str, **_: Any) -> None:
    params = request.params
    skip_subprocesses = boolean(params.get("skipSubprocesses"), "skipSubprocesses") or False
    fail_if_not_exists = boolean(params.get("failIfNotExists"), "failIfNotExists")
    for flag in ("skipCustomListeners", "skipIoMappings"):
        boolean(params.get(flag), flag)  # accepted: the demo's processes have neither
    with command(store, request) as runtime:
        instance = runtime.find_instance(id)
        if instance is None:
            if fail_if_not_exists is False:
                return
            raise RestError(404, f"Process instance with id {id} does not exist")
        runtime.delete_instance(id, reason=None, skip_subprocesses=skip_subprocesses)
        runtime.log("Delete", "ProcessInstance", instance=instance, properties={"cascade": False})


def _suspended_flag(body: dict) -> bool:
    suspended = body.get("suspended")
    if not isinstance(suspended, bool):
        raise invalid("Property 'suspended' must be set to true or false")
    return suspended


def suspend_instance(store: Store, request: Request, id: str, **_: Any) -> None:
    suspended = _suspended_flag(body_of(request))
    with command(store, request) as runtime:
        # Camunda 7.24 suspends by id whatever matches: an instance that is gone is no error (204).
        instance = runtime.find_instance(id)
        if instance is None:
            return
        runtime.set_suspended(id, suspended)
        runtime.log("Suspend" if suspended else "Activate", "ProcessInstance", instance=instance,
                    properties={"suspensionState": "suspended" if suspended else "active"})  # fmt: skip


def modify_instance(store: Store, request: Request, id: str, **_: Any) -> None:
    body = body_of(request)
    with command(store, request) as runtime:
        runtime.modify(id, _instructions(body), annotation=body.get("annotation"))


def _instructions(body: dict) -> list[dict]:
    instructions = body.get("instructions")
    if not isinstance(instructions, list) or not all(isinstance(i, dict) for i in instructions):
        raise invalid("'instructions' must be a list of modification instructions")
    return instructions


def modify_instance_async(store: Store, request: Request, id: str, **_: Any) -> dict:
    body = body_of(request)
    instance_row(store, id)
    _instructions(body)
    payload = {"instructions": body["instructions"], "annotation": body.get("annotation")}
    return create_batch(store, request.user, "instance-modification", [id], payload)


# --- actions on many instances --------------------------------------------------------------------------


def targets(store: Store, body: dict, *, ids_key: str = "processInstanceIds") -> list[str]:
    """The instances a bulk action names: by id, by runtime or historic query, or all of these."""
    ids = list(body.get(ids_key) or [])
    if not isinstance(body.get(ids_key) or [], list):
        raise invalid(f"'{ids_key}' must be a list of ids")
    if body.get("processInstanceQuery") is not None:
        ids += matching_ids(store, body["processInstanceQuery"])
    if body.get("historicProcessInstanceQuery") is not None:
        ids += historic_instance_ids(store, body["historicProcessInstanceQuery"])
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise invalid("processInstanceIds is empty")
    return unique


def delete_instances_async(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    if body.get("historicProcessInstanceQuery") is not None:
        raise invalid(
            "Unallowed property historicProcessInstanceQuery: use /process-instance/delete-historic-query-based"
        )
    return _delete_batch(store, request, body)


def delete_instances_async_historic(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    if body.get("processInstanceQuery") is not None:
        raise invalid("Unallowed property processInstanceQuery: use /process-instance/delete")
    return _delete_batch(store, request, body)


def _delete_batch(store: Store, request: Request, body: dict) -> dict:
    payload = {
        "deleteReason": body.get("deleteReason"),
        "skipSubprocesses": bool(body.get("skipSubprocesses")),
    }
    return create_batch(store, request.user, "instance-deletion", targets(store, body), payload)


def suspend_instances(store: Store, request: Request, **_: Any) -> None:
    """Synchronously: by definition (id or key), or by ids and queries."""
    body = body_of(request)
    suspended = _suspended_flag(body)
    if body.get("processDefinitionId") or body.get("processDefinitionKey"):
        column, value = (
            ("definition_id", body["processDefinitionId"])
            if body.get("processDefinitionId")
            else ("definition_key", body["processDefinitionKey"])
        )
        ids = [row[0] for row in store.db().execute(f"SELECT id FROM instance WHERE {column} = ?", (value,))]
    else:
        ids = targets(store, body)
    with command(store, request) as runtime:
        for instance_id in ids:
            runtime.set_suspended(instance_id, suspended)
        runtime.log("Suspend" if suspended else "Activate", "ProcessInstance",
                    properties={"suspensionState": "suspended" if suspended else "active", "nrOfInstances": len(ids)})  # fmt: skip


def suspend_instances_async(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    suspended = _suspended_flag(body)
    return create_batch(
        store,
        request.user,
        "instance-update-suspension-state",
        targets(store, body),
        {"suspended": suspended},
    )


def job_retries_async(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    retries = body.get("retries")
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise invalid(
            "The number of job retries must be a non-negative Integer, but 'retries' has been provided."
        )
    instance_ids = targets(store, body, ids_key="processInstances")
    marks = ",".join("?" * len(instance_ids))
    job_ids = [
        row[0]
        for row in store.db().execute(
            f"SELECT id FROM job WHERE type != 'batch' AND instance_id IN ({marks}) ORDER BY rowid",
            instance_ids,
        )
    ]
    job_ids += list(body.get("jobIds") or [])
    if not job_ids:
        raise invalid("jobIds is empty")
    return create_batch(
        store, request.user, "set-job-retries", job_ids, {"retries": retries, "dueDate": body.get("dueDate")}
    )


def variables_async(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    variables = body.get("variables")
    if not isinstance(variables, dict) or not variables:
        raise invalid("variables is empty")
    for name, dto in variables.items():
        try:
            variable_columns(dto if isinstance(dto, dict) else {})
        except ValueError as error:
            raise invalid(f"Cannot set variable '{name}': {error}") from None
    return create_batch(store, request.user, "set-variables", targets(store, body), {"variables": variables})


def execute_modification(store: Store, request: Request, **_: Any) -> None:
    body = body_of(request)
    definition_id, instructions = _many_modification(store, body)
    ids = targets(store, body)
    with command(store, request) as runtime:
        for instance_id in ids:
            instance = runtime.instance(instance_id)
            if instance["definition_id"] != definition_id:
                raise invalid(
                    f"Process instance '{instance_id}' does not belong to process definition '{definition_id}'"
                )
            runtime.modify(instance_id, instructions, annotation=body.get("annotation"))


def execute_modification_async(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    definition_id, instructions = _many_modification(store, body)
    payload = {
        "instructions": instructions,
        "annotation": body.get("annotation"),
        "processDefinitionId": definition_id,
    }
    return create_batch(store, request.user, "instance-modification", targets(store, body), payload)


def _many_modification(store: Store, body: dict) -> tuple[str, list[dict]]:
    definition_id = body.get("processDefinitionId")
    if not definition_id:
        raise invalid("processDefinitionId must be set")
    definition_row(store, definition_id)
    instructions = _instructions(body)
    for instruction in instructions:
        extra = set(instruction) - {
            "type",
            "activityId",
            "transitionId",
            "cancelCurrentActiveActivityInstances",
        }
        if extra:
            raise invalid(
                f"Instructions for many instances name activities or transitions only, not {', '.join(sorted(extra))}"
            )
    return definition_id, instructions


# --- restart of finished instances, and their history's deletion -------------------------------------


def _restart(store: Store, definition_id: str, body: dict) -> tuple[dict, list[str]]:
    definition_row(store, definition_id)
    instructions = body.get("instructions")
    if not instructions:
        raise invalid("Restart instructions cannot be empty: instructions is empty")
    for instruction in instructions:
        if not isinstance(instruction, dict) or instruction.get("type") not in (
            "startBeforeActivity", "startAfterActivity", "startTransition",
        ):  # fmt: skip
            raise invalid(
                f"Unsupported restart instruction type '{instruction.get('type') if isinstance(instruction, dict) else instruction}'"
            )
    ids = list(body.get("processInstanceIds") or [])
    if body.get("historicProcessInstanceQuery") is not None:
        ids += historic_instance_ids(store, body["historicProcessInstanceQuery"])
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise invalid("processInstanceIds is empty")
    payload = {
        "processDefinitionId": definition_id,
        "instructions": instructions,
        "initialVariables": bool(body.get("initialVariables")),
        "withoutBusinessKey": bool(body.get("withoutBusinessKey")),
    }
    return payload, ids


def restart_instances(store: Store, request: Request, id: str, **_: Any) -> None:
    payload, ids = _restart(store, id, body_of(request))
    with command(store, request) as runtime:
        definition = runtime.db.execute("SELECT * FROM definition WHERE id = ?", (id,)).fetchone()
        for historic_id in ids:
            runtime.restart(definition, historic_id, payload)
        runtime.log("RestartProcessInstance", "ProcessInstance",
                    properties={"nrOfInstances": len(ids), "async": False})  # fmt: skip


def restart_instances_async(store: Store, request: Request, id: str, **_: Any) -> dict:
    payload, ids = _restart(store, id, body_of(request))
    return create_batch(store, request.user, "instance-restart", ids, payload)


def delete_historic_instances(store: Store, request: Request, **_: Any) -> dict:
    body = body_of(request)
    ids = list(body.get("historicProcessInstanceIds") or [])
    if body.get("historicProcessInstanceQuery") is not None:
        ids += historic_instance_ids(store, body["historicProcessInstanceQuery"])
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise invalid("historicProcessInstanceIds is empty")
    return create_batch(
        store, request.user, "historic-instance-deletion", ids, {"deleteReason": body.get("deleteReason")}
    )
