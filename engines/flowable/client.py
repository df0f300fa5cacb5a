"""Flowable 7 REST adapter (the process engine's /process-api).

Each method names, above its call, the endpoint it uses. Flowable has no incidents: a job that used
up its retries is a dead-letter job, and the adapter hands those up as failedJob incidents whose id
and configuration are the job's id, so that "retry" moves the dead-letter job back to run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import fields, replace
from datetime import datetime
from functools import partial
from typing import Any, NoReturn, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from engines.base import Capabilities, EngineClient, InstanceTree, Listed
from engines.bpmn import BpmnError, parse_model
from engines.config import EngineConfig
from engines.errors import (
    EngineError,
    NotFound,
    UnaddressableName,
    UnreadableAnswer,
    Unsupported,
    error_for_status,
)
from engines.fanout import fan_out
from engines.flowable.codec import WRITABLE, decode, encode, format_date
from engines.migration import MigrationInstruction, MigrationPlan, MigrationReport
from engines.models import (
    ActivityInstance,
    ActivityStatistics,
    Batch,
    BatchStatistics,
    BinaryContent,
    CalledDefinition,
    DefinitionStatistics,
    Deployment,
    DeploymentResource,
    EngineVersion,
    ExternalTask,
    HistoricActivityInstance,
    HistoricActivityStatistics,
    HistoricBatch,
    HistoricProcessInstance,
    HistoricVariable,
    Incident,
    IncidentCount,
    Job,
    JobDefinition,
    ProcessDefinition,
    ProcessInstance,
    UserOperation,
    UserTask,
    Variable,
)
from engines.queries import (
    MAX_PAGE_SIZE,
    DefinitionSort,
    DeploymentSort,
    HistoricActivityInstanceQuery,
    HistoricProcessInstanceQuery,
    IncidentFilter,
    IncidentSort,
    InstanceSort,
    InstructionKind,
    JobSort,
    Modification,
    ProcessInstanceQuery,
    Restart,
    Sort,
    VariableFilter,
    check_page,
)
from engines.transport import Transport
from engines.variables import TypedValue, VariableType

M = TypeVar("M", bound=BaseModel)

CAPABILITIES = Capabilities(
    # POST /runtime/process-instances/{id}/change-state: cancel activities by id, start before activities.
    instructions=frozenset({InstructionKind.CANCEL, InstructionKind.START_BEFORE_ACTIVITY}),
    modification_of_many=False,
    engine_batches=frozenset(),
    batch_management=False,
    # No statistics endpoint: definition_statistics and activity_statistics count with queries instead.
    process_statistics=False,
    incident_annotation=False,
    user_operation_log=False,
    instance_tree=InstanceTree.EXECUTIONS,
    local_variables=True,
    variable_types=WRITABLE,
    # Through its migration document, instance by instance; no plan validation before it runs.
    migration=True,
    migration_validation=False,
    # Its tasks (runtime/tasks) with their candidate links; no external tasks of Camunda's kind, no
    # job definitions, and a timer's due date stays as the model set it.
    user_tasks=True,
    # Read from the call activities of the BPMN it serves: Flowable has no list of them.
    called_definitions=True,
)

# The domain's sort keys in Flowable's spelling, per list.
_SORTS: dict[Any, str] = {
    InstanceSort.ID: "id",
    InstanceSort.DEFINITION_KEY: "processDefinitionKey",
    InstanceSort.DEFINITION_ID: "processDefinitionId",
    InstanceSort.BUSINESS_KEY: "businessKey",
    InstanceSort.TENANT_ID: "tenantId",
    DefinitionSort.NAME: "name",
    DefinitionSort.KEY: "key",
    DefinitionSort.VERSION: "version",
    DefinitionSort.TENANT_ID: "tenantId",
    DeploymentSort.NAME: "name",
    DeploymentSort.TIME: "deployTime",
    DeploymentSort.TENANT_ID: "tenantId",
    JobSort.DUE_DATE: "dueDate",
    JobSort.RETRIES: "retries",
    IncidentSort.TIMESTAMP: "createTime",
    IncidentSort.PROCESS_INSTANCE_ID: "processInstanceId",
}

# The domain's variable operators in Flowable's spelling, and with values compared ignoring case.
_OPERATORS = {
    "eq": "equals",
    "neq": "notEquals",
    "gt": "greaterThan",
    "gteq": "greaterThanOrEquals",
    "lt": "lessThan",
    "lteq": "lessThanOrEquals",
    "like": "like",
}
_IGNORING_CASE = {"eq": "equalsIgnoreCase", "neq": "notEqualsIgnoreCase", "like": "likeIgnoreCase"}

# Where Flowable keeps jobs: executable, timers, and those out of retries.
JOBS, TIMER_JOBS, DEAD_LETTER_JOBS = "jobs", "timer-jobs", "deadletter-jobs"


def _segment(value: str) -> str:
    """An id or name as one URL path segment (see engines.camunda7.client._segment for why)."""
    if not value or value in (".", ".."):
        raise UnaddressableName(
            f"{value!r} cannot be addressed on the engine: an id or name that is empty, '.' or '..' "
            "would reach another endpoint. Nothing was sent.",
            status=400,
        )
    return quote(value, safe=":@")


def _page(offset: int, limit: int) -> dict[str, int]:
    check_page(offset, limit)
    return {"start": offset, "size": limit}


def _sort(sort: Sort | None) -> dict[str, str]:
    if sort is None:
        return {}
    if sort.by not in _SORTS:
        raise Unsupported(f"Flowable cannot sort this list by {sort.by}")
    return {"sort": _SORTS[sort.by], "order": sort.order}


def _unsupported(what: str) -> NoReturn:
    raise Unsupported(f"Flowable has no {what}")


# Not activities a token waits in: nothing of theirs moves in a migration.
_NOT_MIGRATED = frozenset({"sequenceFlow", "startEvent", "endEvent", "exclusiveGateway", "inclusiveGateway"})


def _migration_document(plan: MigrationPlan) -> dict[str, Any]:
    """Flowable's migration document: the target definition, the activity mappings, and the
    variables set on every migrated instance (plain JSON values: the document has no types)."""
    variables: dict[str, Any] = {}
    for name, typed in plan.variables.items():
        if typed.type not in _PLAIN_TYPES:
            _unsupported(f"way to set a {typed.type.value} variable in a migration (only plain values)")
        variables[name] = typed.value
    document: dict[str, Any] = {
        "toProcessDefinitionId": plan.target_definition_id,
        "activityMappings": [
            {"fromActivityIds": list(i.source_activity_ids), "toActivityIds": list(i.target_activity_ids)}
            for i in plan.instructions
            if i.source_activity_ids != i.target_activity_ids  # the same id: Flowable maps it itself
        ],
    }
    if variables:
        document["processInstanceVariables"] = variables
    return document


_PLAIN_TYPES = frozenset(
    {VariableType.STRING, VariableType.INTEGER, VariableType.LONG, VariableType.SHORT, VariableType.DOUBLE,
     VariableType.BOOLEAN, VariableType.NULL}
)  # fmt: skip


def variable_id(execution_id: str, name: str) -> str:
    """Flowable's variables have no id of their own: the dashboard's is the execution's id and the name
    in hex, so that it stays one path segment and one CSS identifier (pages target rows by id) whatever
    the name holds."""
    return f"{execution_id}_{name.encode().hex()}"


def _split_variable_id(value: str) -> tuple[str, str]:
    execution_id, _, encoded = value.rpartition("_")
    try:
        name = bytes.fromhex(encoded).decode()
    except (ValueError, UnicodeDecodeError):
        name = ""
    if not execution_id or not name:
        raise NotFound(f"no variable has the id {value!r}", status=404)
    return execution_id, name


def read_error(response: httpx.Response, engine: str) -> EngineError:
    """Flowable answers {"message": "Not found", "exception": "Could not find ..."}: the exception is
    the sentence worth showing, the message only names the status."""
    message = response.reason_phrase or f"HTTP {response.status_code}"
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        message = str(body.get("exception") or body.get("message") or message)
    # FlowableOptimisticLockingException: "... was updated by another transaction concurrently"
    conflict = response.status_code == 409 and "another transaction" in message
    return error_for_status(response.status_code, message=message, engine=engine, conflict=conflict)


class FlowableClient(EngineClient):
    def __init__(self, config: EngineConfig, *, http: httpx.Client | None = None) -> None:
        self.config = config
        self.transport = Transport(config, http=http, read_error=read_error)
        self._xml_cache: dict[str, str] = {}
        self._deployed: dict[str, ProcessDefinition] = {}

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES

    def close(self) -> None:
        self.transport.close()

    # --- small helpers -------------------------------------------------------------------

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.transport.json(method, path, **kwargs)

    def _model(self, model: type[M], raw: Any, what: str) -> M:
        try:
            return model.model_validate(raw)
        except ValidationError as error:
            raise UnreadableAnswer(f"{what}: {error.errors()[0]['msg']}", engine=self.config.name) from None

    def _listed(
        self, model: type[M], answer: Any, convert: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> Listed[M]:
        """A Flowable list answer ({"data": [...], "total": n}); an item the model refuses costs its row."""
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
            raise UnreadableAnswer("the engine answered a list without its data", engine=self.config.name)
        items: Listed[M] = Listed()
        for raw in answer["data"]:
            try:
                items.append(model.model_validate(convert(raw) if isinstance(raw, dict) else raw))
            except ValidationError as error:
                items.append(model.unreadable_item(raw, str(error.errors()[0]["msg"])))  # type: ignore[attr-defined]
        total = answer.get("total")
        items.total = total if isinstance(total, int) else None
        return items

    def _total(self, answer: Any) -> int:
        total = answer.get("total") if isinstance(answer, dict) else None
        if not isinstance(total, int):
            raise UnreadableAnswer("the engine answered a count without its total", engine=self.config.name)
        return total

    # --- engine --------------------------------------------------------------------------

    def version(self) -> EngineVersion:
        # GET /management/engine
        return self._model(EngineVersion, self._json("GET", "/management/engine"), "the engine's version")

    # --- definitions ---------------------------------------------------------------------

    def _definition_params(
        self,
        key: str | None,
        key_like: str | None,
        name_like: str | None,
        latest_version: bool | None,
        suspended: bool | None,
        tenant_ids: Iterable[str],
    ) -> dict[str, Any]:
        tenants = list(tenant_ids)
        if len(tenants) > 1:
            _unsupported("filter on several tenants at once (one tenant id only)")
        return {
            "key": key,
            "keyLike": key_like,
            "nameLike": name_like,
            "latest": latest_version,
            "suspended": suspended,
            "tenantId": tenants[0] if tenants else None,
        }

    def list_definitions(
        self,
        *,
        key: str | None = None,
        key_like: str | None = None,
        name_like: str | None = None,
        latest_version: bool | None = None,
        suspended: bool | None = None,
        tenant_ids: Iterable[str] = (),
        sort: Sort | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Listed[ProcessDefinition]:
        params = self._definition_params(key, key_like, name_like, latest_version, suspended, tenant_ids)
        # GET /repository/process-definitions
        answer = self._json(
            "GET", "/repository/process-definitions", params=params | _sort(sort) | _page(offset, limit)
        )
        return self._listed(ProcessDefinition, answer, _definition)

    def count_definitions(
        self,
        *,
        key: str | None = None,
        key_like: str | None = None,
        name_like: str | None = None,
        latest_version: bool | None = None,
        suspended: bool | None = None,
        tenant_ids: Iterable[str] = (),
    ) -> int:
        params = self._definition_params(key, key_like, name_like, latest_version, suspended, tenant_ids)
        # GET /repository/process-definitions (size 0: the total only)
        return self._total(self._json("GET", "/repository/process-definitions", params=params | {"size": 0}))

    def get_definition(self, definition_id: str) -> ProcessDefinition:
        # GET /repository/process-definitions/{processDefinitionId}
        answer = self._json("GET", f"/repository/process-definitions/{_segment(definition_id)}")
        return self._model(ProcessDefinition, _definition(answer), "a process definition")

    def deployed_definition(self, definition_id: str) -> ProcessDefinition:
        if definition_id not in self._deployed:
            self._deployed[definition_id] = self.get_definition(definition_id)
        return self._deployed[definition_id]

    def get_latest_definition(self, key: str, *, tenant_id: str | None = None) -> ProcessDefinition:
        found = self.list_definitions(
            key=key, latest_version=True, tenant_ids=[tenant_id] if tenant_id else [], limit=2
        )
        if not found:
            raise NotFound(f"no process definition has the key {key!r}", engine=self.config.name, status=404)
        return found[0]

    def definition_xml(self, definition_id: str) -> str:
        if definition_id not in self._xml_cache:
            # GET /repository/process-definitions/{processDefinitionId}/resourcedata
            response = self.transport.request(
                "GET",
                f"/repository/process-definitions/{_segment(definition_id)}/resourcedata",
                accept="application/xml, */*;q=0.8",
            )
            self._xml_cache[definition_id] = response.text
        return self._xml_cache[definition_id]

    # --- deployments ---------------------------------------------------------------------

    def list_deployments(
        self, *, name_like: str | None = None, sort: Sort | None = None, offset: int = 0, limit: int = 50
    ) -> Listed[Deployment]:
        # GET /repository/deployments
        params = {"nameLike": name_like} | _sort(sort) | _page(offset, limit)
        return self._listed(
            Deployment, self._json("GET", "/repository/deployments", params=params), _deployment
        )

    def count_deployments(self, *, name_like: str | None = None) -> int:
        # GET /repository/deployments (size 0: the total only)
        answer = self._json("GET", "/repository/deployments", params={"nameLike": name_like, "size": 0})
        return self._total(answer)

    def get_deployment(self, deployment_id: str) -> Deployment:
        # GET /repository/deployments/{deploymentId}
        answer = self._json("GET", f"/repository/deployments/{_segment(deployment_id)}")
        return self._model(Deployment, _deployment(answer), "a deployment")

    def deployment_resources(self, deployment_id: str) -> list[DeploymentResource]:
        # GET /repository/deployments/{deploymentId}/resources
        answer = self._json("GET", f"/repository/deployments/{_segment(deployment_id)}/resources")
        if not isinstance(answer, list):
            raise UnreadableAnswer("the engine answered no list of resources", engine=self.config.name)
        return self._listed(DeploymentResource, {"data": answer}, lambda raw: _resource(deployment_id, raw))

    def deployment_resource_data(self, deployment_id: str, resource_id: str) -> BinaryContent:
        name = _resource_name(resource_id)
        if "/" in name:
            # Its server refuses the encoded slash the reference asks for (400), and a plain one is no name.
            _unsupported(
                "way to read a deployment's file in a folder (a definition's diagram is on its page)"
            )
        # GET /repository/deployments/{deploymentId}/resourcedata/{resourceName}
        return self._data(
            f"/repository/deployments/{_segment(deployment_id)}/resourcedata/{_segment(name)}",
            name.rpartition("/")[2],
        )

    def deployment_definitions(self, deployment_id: str) -> list[ProcessDefinition]:
        # GET /repository/process-definitions?deploymentId=
        params = {"deploymentId": deployment_id} | _page(0, 200)
        answer = self._json("GET", "/repository/process-definitions", params=params)
        return self._listed(ProcessDefinition, answer, _definition)

    def delete_deployment(
        self,
        deployment_id: str,
        *,
        cascade: bool = False,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> None:
        if skip_custom_listeners or skip_io_mappings:
            _unsupported("way to delete a deployment skipping listeners or mappings")
        # DELETE /repository/deployments/{deploymentId}?cascade=
        self._json(
            "DELETE", f"/repository/deployments/{_segment(deployment_id)}", params={"cascade": cascade}
        )

    def set_definition_suspended(
        self,
        definition_id: str,
        *,
        suspended: bool,
        include_instances: bool = False,
        execution_date: datetime | None = None,
    ) -> None:
        body: dict[str, Any] = {
            "action": "suspend" if suspended else "activate",
            "includeProcessInstances": include_instances,
        }
        if execution_date is not None:
            body["date"] = format_date(execution_date)
        # PUT /repository/process-definitions/{processDefinitionId} (action suspend / activate)
        self._json("PUT", f"/repository/process-definitions/{_segment(definition_id)}", json=body)

    # --- statistics ----------------------------------------------------------------------

    def definition_statistics(self, *, root_incidents: bool = False) -> list[DefinitionStatistics]:
        """Flowable has no statistics endpoint: per definition, a count of its running instances and of
        its dead-letter jobs (each its own root cause, so root_incidents changes nothing)."""
        rows = []
        for definition in self._all(self.list_definitions):
            if definition.unreadable:
                continue
            instances = self.count_instances(ProcessInstanceQuery(process_definition_id=definition.id))
            failed = self.count_incidents(process_definition_id=definition.id)
            rows.append(
                DefinitionStatistics(
                    id=definition.id,
                    instances=instances,
                    failed_jobs=failed,
                    incidents=[IncidentCount(incident_type="failedJob", incident_count=failed)]
                    if failed
                    else [],
                    definition=definition,
                )
            )
        return rows

    def activity_statistics(self, definition_id: str) -> list[ActivityStatistics]:
        """Flowable has no statistics endpoint: the executions of the definition standing in each
        activity, and its dead-letter jobs by the activity that failed."""
        standing: dict[str, int] = {}
        # GET /runtime/executions?processDefinitionId= (page by page)
        for execution in self._every("/runtime/executions", {"processDefinitionId": definition_id}):
            if isinstance(execution.get("activityId"), str):
                standing[execution["activityId"]] = standing.get(execution["activityId"], 0) + 1
        failed: dict[str, int] = {}
        for job in self._dead_letter_jobs({"processDefinitionId": definition_id}):
            if isinstance(job.get("elementId"), str):
                failed[job["elementId"]] = failed.get(job["elementId"], 0) + 1
        return [
            ActivityStatistics(
                id=activity,
                instances=standing.get(activity, 0),
                failed_jobs=failed.get(activity, 0),
                incidents=[IncidentCount(incident_type="failedJob", incident_count=failed[activity])]
                if activity in failed
                else [],
            )
            for activity in sorted(set(standing) | set(failed))
        ]

    def _all(self, lister: Callable[..., Listed[M]]) -> list[M]:
        found: list[M] = []
        while True:
            page = lister(offset=len(found), limit=MAX_PAGE_SIZE)
            found.extend(page)
            if len(page) < MAX_PAGE_SIZE:
                return found

    def _every(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every row of a Flowable list that matches, asked page by page until its total is reached (for
        what Flowable can count or group no other way); rows that are not objects are left out."""
        found: list[dict[str, Any]] = []
        start = 0
        while True:
            answer = self._json("GET", path, params=params | {"start": start, "size": MAX_PAGE_SIZE})
            data = answer.get("data") if isinstance(answer, dict) else None
            found.extend(row for row in data or [] if isinstance(row, dict))
            start += MAX_PAGE_SIZE
            if not data or start >= self._total(answer):
                return found

    def _dead_letter_jobs(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every dead-letter job matching: failures are few, and Flowable can count them per instance or
        activity no other way."""
        # GET /management/deadletter-jobs (page by page)
        return self._every(f"/management/{DEAD_LETTER_JOBS}", params)

    # --- instances -----------------------------------------------------------------------

    def _with_failures(self, query: ProcessInstanceQuery | None) -> ProcessInstanceQuery | None:
        """Flowable's instance query knows no failures: a filter on them (with incidents, of a type, with
        a message) becomes the ids of the instances whose dead-letter jobs match (None when none do, so
        that nothing matches). Failures are few: their messages are matched here."""
        if query is None or not (
            query.with_incident
            or query.incident_type is not None
            or query.incident_message is not None
            or query.incident_message_like is not None
        ):
            return query
        if query.incident_type not in (None, "failedJob"):
            return None  # Flowable's only failure is a failed job
        like = _like(query.incident_message_like) if query.incident_message_like is not None else None
        failing = {
            str(job.get("processInstanceId"))
            for job in self._dead_letter_jobs({})
            if (query.incident_message is None or job.get("exceptionMessage") == query.incident_message)
            and (like is None or like.fullmatch(str(job.get("exceptionMessage") or "")))
        }
        if query.process_instance_ids:
            failing &= set(query.process_instance_ids)
        if not failing:
            return None
        return replace(
            query,
            with_incident=None,
            incident_type=None,
            incident_message=None,
            incident_message_like=None,
            process_instance_ids=tuple(sorted(failing)),
        )

    def list_instances(
        self, query: ProcessInstanceQuery | None = None, *, offset: int = 0, limit: int = 50
    ) -> Listed[ProcessInstance]:
        check_page(offset, limit)
        narrowed = self._with_failures(query)
        if query is not None and narrowed is None:
            return _nothing()
        body = instance_query(narrowed) | _page(offset, limit)
        # POST /query/process-instances
        answer = self._json("POST", "/query/process-instances", json=body, safe_to_repeat=True)
        return self._listed(ProcessInstance, answer, _instance)

    def count_instances(self, query: ProcessInstanceQuery | None = None) -> int:
        narrowed = self._with_failures(query)
        if query is not None and narrowed is None:
            return 0
        body = instance_query(narrowed) | {"size": 0}
        body.pop("sort", None)
        body.pop("order", None)
        # POST /query/process-instances (size 0: the total only)
        return self._total(self._json("POST", "/query/process-instances", json=body, safe_to_repeat=True))

    def get_instance(self, instance_id: str) -> ProcessInstance:
        # GET /runtime/process-instances/{processInstanceId}
        answer = self._json("GET", f"/runtime/process-instances/{_segment(instance_id)}")
        return self._model(ProcessInstance, _instance(answer), "a process instance")

    def delete_instance(
        self,
        instance_id: str,
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
        skip_subprocesses: bool = False,
        fail_if_not_exists: bool = True,
        reason: str | None = None,
    ) -> None:
        # Flowable always runs listeners and always ends called instances with their parent.
        if skip_custom_listeners or skip_io_mappings or skip_subprocesses:
            _unsupported("way to delete an instance skipping listeners, mappings or its sub-processes")
        try:
            # DELETE /runtime/process-instances/{processInstanceId}?deleteReason=
            self._json(
                "DELETE",
                f"/runtime/process-instances/{_segment(instance_id)}",
                params={"deleteReason": reason},
            )
        except NotFound:
            if fail_if_not_exists:
                raise

    def set_instance_suspended(self, instance_id: str, *, suspended: bool) -> None:
        try:
            # PUT /runtime/process-instances/{processInstanceId} (action suspend / activate)
            self._json(
                "PUT",
                f"/runtime/process-instances/{_segment(instance_id)}",
                json={"action": "suspend" if suspended else "activate"},
            )
        except EngineError as error:
            # Flowable refuses (409) to suspend what is suspended already; the interface, as Camunda,
            # takes that as done: the instance is in the state asked for.
            if error.status != 409 or self.get_instance(instance_id).suspended != suspended:
                raise

    # --- activity tree (built from executions) -------------------------------------------

    def _executions(self, instance_id: str) -> list[dict[str, Any]]:
        # GET /runtime/executions?processInstanceId= (every execution of the instance, the root included)
        answer = self._json(
            "GET",
            "/runtime/executions",
            params={"processInstanceId": instance_id, "start": 0, "size": 1000},
        )
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
            raise UnreadableAnswer("the engine answered executions without data", engine=self.config.name)
        found = [e for e in answer["data"] if isinstance(e, dict) and isinstance(e.get("id"), str)]
        # Flowable cannot sort executions by id; the root first, then by id, so a tree reads the same twice.
        return sorted(found, key=lambda e: (e["id"] != instance_id, e["id"]))

    def activity_instance_tree(self, instance_id: str) -> ActivityInstance:
        instance = self.get_instance(instance_id)
        executions = self._executions(instance_id)
        failed: dict[str, list[str]] = {}
        for job in self._dead_letter_jobs({"processInstanceId": instance_id}):
            failed.setdefault(str(job.get("executionId")), []).append(str(job.get("id")))
        by_id = {e["id"]: e for e in executions}
        nodes: dict[str, dict[str, Any]] = {}

        def node_of(execution: dict[str, Any]) -> dict[str, Any]:
            return nodes.setdefault(
                execution["id"],
                {
                    "id": execution["id"],
                    "activity_id": execution.get("activityId"),
                    "process_instance_id": instance_id,
                    "process_definition_id": instance.definition_id,
                    "execution_ids": [execution["id"]],
                    "incident_ids": failed.get(execution["id"], []),
                    "child_activity_instances": [],
                    "child_transition_instances": [],
                },
            )

        root: dict[str, Any] = {
            "id": instance_id,
            "activity_id": instance.definition_id,
            "process_instance_id": instance_id,
            "process_definition_id": instance.definition_id,
            "execution_ids": [instance_id],
            "child_activity_instances": [],
            "child_transition_instances": [],
        }
        for execution in executions:
            if execution["id"] == instance_id or not execution.get("activityId"):
                continue
            # Nest under the nearest ancestor execution standing in an activity (a sub-process scope).
            parent, parent_id = root, execution.get("parentId")
            while parent_id and parent_id != instance_id and parent_id in by_id:
                ancestor = by_id[parent_id]
                if ancestor.get("activityId"):
                    parent = node_of(ancestor)
                    break
                parent_id = ancestor.get("parentId")
            node = node_of(execution)
            node["parent_activity_instance_id"] = parent["id"]
            parent["child_activity_instances"].append(node)
        return self._model(ActivityInstance, root, "the instance's executions")

    # --- variables -----------------------------------------------------------------------

    def _scope_path(self, instance_id: str, execution_id: str | None) -> str:
        if execution_id and execution_id != instance_id:
            return f"/runtime/executions/{_segment(execution_id)}/variables"
        return f"/runtime/process-instances/{_segment(instance_id)}/variables"

    def instance_variables(self, instance_id: str, *, deserialize: bool = False) -> dict[str, TypedValue]:
        # GET /runtime/process-instances/{processInstanceId}/variables
        answer = self._json("GET", f"/runtime/process-instances/{_segment(instance_id)}/variables")
        return {str(raw.get("name")): decode(raw) for raw in answer or [] if isinstance(raw, dict)}

    def variable_instances(
        self,
        instance_id: str,
        *,
        name: str | None = None,
        offset: int = 0,
        limit: int = 500,
        deserialize: bool = False,
    ) -> list[Variable]:
        check_page(offset, limit)
        found: list[Variable] = []
        for execution in self._executions(instance_id):
            execution_id = execution["id"]
            # GET /runtime/executions/{executionId}/variables?scope=local
            answer = self._json(
                "GET", f"/runtime/executions/{_segment(execution_id)}/variables", params={"scope": "local"}
            )
            for raw in answer or []:
                if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
                    continue
                if name is not None and raw["name"] != name:
                    continue
                found.append(
                    Variable(
                        name=raw["name"],
                        value=decode(raw),
                        id=variable_id(execution_id, raw["name"]),
                        process_instance_id=instance_id,
                        activity_instance_id=execution_id,
                        execution_id=execution_id,
                    )
                )
        found.sort(key=lambda v: (v.name, v.execution_id != instance_id))
        return found[offset : offset + limit]

    def get_variable(self, instance_id: str, name: str, *, deserialize: bool = False) -> TypedValue:
        # GET /runtime/process-instances/{processInstanceId}/variables/{variableName}
        return decode(self._json("GET", f"{self._scope_path(instance_id, None)}/{_segment(name)}"))

    def get_variable_instance(self, variable_id: str) -> Variable:
        execution_id, name = _split_variable_id(variable_id)
        # GET /runtime/executions/{executionId} (for its instance)
        execution = self._json("GET", f"/runtime/executions/{_segment(execution_id)}")
        # GET /runtime/executions/{executionId}/variables/{variableName}?scope=local
        raw = self._json(
            "GET",
            f"/runtime/executions/{_segment(execution_id)}/variables/{_segment(name)}",
            params={"scope": "local"},
        )
        return Variable(
            name=name,
            value=decode(raw),
            id=variable_id,
            process_instance_id=str(execution.get("processInstanceId") or execution_id),
            activity_instance_id=execution_id,
            execution_id=execution_id,
        )

    def set_variable(
        self, instance_id: str, name: str, value: TypedValue, *, execution_id: str | None = None
    ) -> None:
        local = bool(execution_id) and execution_id != instance_id
        if value.type not in CAPABILITIES.variable_types or value.type == VariableType.BYTES:
            # Said where the value was typed (an engine error), never a crash; binary goes by upload.
            _unsupported(
                f"{value.type} variables the dashboard can write"
                + (": upload the content instead" if value.type == VariableType.BYTES else "")
            )
        body = [encode(name, value, local=local)]
        # PUT /runtime/process-instances/{id}/variables or PUT /runtime/executions/{id}/variables
        # (create or update; scope local keeps it on the execution)
        self._json("PUT", self._scope_path(instance_id, execution_id), json=body)

    def delete_variable(self, instance_id: str, name: str, *, execution_id: str | None = None) -> None:
        local = bool(execution_id) and execution_id != instance_id
        # DELETE /runtime/process-instances/{id}/variables/{name} or
        # DELETE /runtime/executions/{id}/variables/{name}?scope=local
        self._json(
            "DELETE",
            f"{self._scope_path(instance_id, execution_id)}/{_segment(name)}",
            params={"scope": "local"} if local else None,
        )

    def _data(self, path: str, name: str, params: dict[str, str] | None = None) -> BinaryContent:
        response = self.transport.request(
            "GET", path, params=params, accept="application/octet-stream, */*;q=0.8"
        )
        mimetype = response.headers.get("content-type", "application/octet-stream").split(";")[0]
        return BinaryContent(data=response.content, mimetype=mimetype, filename=name)

    def get_variable_data(self, instance_id: str, name: str) -> BinaryContent:
        # GET /runtime/process-instances/{processInstanceId}/variables/{variableName}/data
        return self._data(f"{self._scope_path(instance_id, None)}/{_segment(name)}/data", name)

    def variable_instance_data(self, variable_id: str) -> BinaryContent:
        execution_id, name = _split_variable_id(variable_id)
        # GET /runtime/executions/{executionId}/variables/{variableName}/data?scope=local
        return self._data(
            f"/runtime/executions/{_segment(execution_id)}/variables/{_segment(name)}/data",
            name,
            {"scope": "local"},
        )

    def set_variable_data(
        self,
        instance_id: str,
        name: str,
        data: bytes,
        *,
        filename: str,
        mimetype: str = "application/octet-stream",
        value_type: VariableType = VariableType.FILE,
        execution_id: str | None = None,
    ) -> None:
        if value_type != VariableType.BYTES:
            _unsupported(f"{value_type} variables (only binary ones, without a file name)")
        local = bool(execution_id) and execution_id != instance_id
        files = {
            "file": (filename or name, data, mimetype),
            "name": (None, name),
            "type": (None, "binary"),
        }
        if local:
            files["scope"] = (None, "local")
        path = self._scope_path(instance_id, execution_id)
        try:
            # PUT .../variables/{variableName} (multipart: replace a binary variable)
            self.transport.request("PUT", f"{path}/{_segment(name)}", files=files)
        except NotFound:
            # POST .../variables (multipart: a new binary variable)
            self.transport.request("POST", path, files=files)

    # --- failures: dead-letter jobs, handed up as failedJob incidents ------------------------

    def _incident_params(
        self, filters: dict[str, IncidentFilter]
    ) -> tuple[dict[str, Any], Callable[[dict[str, Any]], bool] | None]:
        """Flowable's dead-letter query parameters, and a test for what that query cannot ask (a process
        key over all its versions, an activity, a message pattern), matched here (None: nothing to)."""
        params: dict[str, Any] = {}
        like: re.Pattern[str] | None = None
        activity: str | None = None
        ids: frozenset[str] | None = None
        for name, value in filters.items():
            if value is None or value == () or value == []:
                continue
            if name == "process_instance_id":
                params["processInstanceId"] = value
            elif name == "process_definition_id":
                params["processDefinitionId"] = value
            elif name == "tenant_ids" and not isinstance(value, str) and len(value) == 1:
                params["tenantId"] = value[0]
            elif name == "incident_type":
                if value != "failedJob":
                    params["id"] = "-"  # Flowable's only failure is a failed job: nothing else matches
            elif name == "incident_message" and isinstance(value, str):
                params["exceptionMessage"] = value
            elif name == "incident_message_like" and isinstance(value, str):
                like = _like(value)
            elif name == "activity_id" and isinstance(value, str):
                activity = value
            elif name == "process_definition_keys" and not isinstance(value, str):
                ids = self._definition_ids_of(list(value))
            else:
                _unsupported(f"filter of failed jobs by {name.replace('_', ' ')}")
        if like is None and activity is None and ids is None:
            return params, None

        def matches(job: dict[str, Any]) -> bool:
            return (
                (like is None or bool(like.fullmatch(str(job.get("exceptionMessage") or ""))))
                and (activity is None or job.get("elementId") == activity)
                and (ids is None or job.get("processDefinitionId") in ids)
            )

        return params, matches

    def _definition_ids_of(self, keys: list[str]) -> frozenset[str]:
        ids: set[str] = set()
        for key in keys:
            # GET /repository/process-definitions?key= (every version)
            ids |= {str(d.get("id")) for d in self._every("/repository/process-definitions", {"key": key})}
        return frozenset(ids)

    def _matched_failures(
        self, params: dict[str, Any], matches: Callable[[dict[str, Any]], bool]
    ) -> list[Any]:
        # GET /management/deadletter-jobs (page by page, in the engine's order; failures are few)
        return [job for job in self._every(f"/management/{DEAD_LETTER_JOBS}", params) if matches(job)]

    def list_incidents(
        self,
        *,
        sort: Sort | None = None,
        offset: int = 0,
        limit: int = 50,
        **filters: IncidentFilter,
    ) -> Listed[Incident]:
        params, matches = self._incident_params(filters)
        if matches is not None:
            check_page(offset, limit)
            found = self._matched_failures(params | _sort(sort), matches)
            return self._listed(
                Incident, {"data": found[offset : offset + limit], "total": len(found)}, _incident
            )
        # GET /management/deadletter-jobs
        answer = self._json(
            "GET", f"/management/{DEAD_LETTER_JOBS}", params=params | _sort(sort) | _page(offset, limit)
        )
        return self._listed(Incident, answer, _incident)

    def count_incidents(self, **filters: IncidentFilter) -> int:
        params, matches = self._incident_params(filters)
        if matches is not None:
            return len(self._matched_failures(params, matches))
        # GET /management/deadletter-jobs (size 0: the total only)
        return self._total(self._json("GET", f"/management/{DEAD_LETTER_JOBS}", params=params | {"size": 0}))

    def get_incident(self, incident_id: str) -> Incident:
        # GET /management/deadletter-jobs/{jobId}
        answer = self._json("GET", f"/management/{DEAD_LETTER_JOBS}/{_segment(incident_id)}")
        return self._model(Incident, _incident(answer), "a dead-letter job")

    def set_incident_annotation(self, incident_id: str, annotation: str) -> None:
        _unsupported("notes on failures (incident annotations)")

    def clear_incident_annotation(self, incident_id: str) -> None:
        _unsupported("notes on failures (incident annotations)")

    # --- jobs ----------------------------------------------------------------------------

    def _job_tables(self, no_retries_left: bool | None) -> tuple[str, ...]:
        if no_retries_left:
            return (DEAD_LETTER_JOBS,)
        if no_retries_left is False:
            return (JOBS, TIMER_JOBS)
        return (JOBS, TIMER_JOBS, DEAD_LETTER_JOBS)

    def _job_params(
        self, process_instance_id: str | None, with_exception: bool | None, batch_id: str | None
    ) -> dict[str, Any]:
        if batch_id:
            _unsupported("engine-side batches, so no batch jobs")
        return {
            "processInstanceId": process_instance_id,
            "withException": True if with_exception else None,
        }

    def list_jobs(
        self,
        *,
        process_instance_id: str | None = None,
        with_exception: bool | None = None,
        no_retries_left: bool | None = None,
        batch_id: str | None = None,
        sort: Sort | None = None,
        offset: int = 0,
        limit: int = 50,
        job_definition_id: str | None = None,
    ) -> Listed[Job]:
        """Flowable keeps jobs in three tables; one page runs over them in turn (executable jobs, timers,
        dead-letter jobs), each sorted by the engine, using each table's total to skip it."""
        if job_definition_id is not None:
            _unsupported("job definitions")
        check_page(offset, limit)
        params = self._job_params(process_instance_id, with_exception, batch_id) | _sort(sort)
        jobs: Listed[Job] = Listed()
        skip, total = offset, 0
        for table in self._job_tables(no_retries_left):
            wanted = limit - len(jobs)
            # GET /management/{jobs|timer-jobs|deadletter-jobs}
            answer = self._json(
                "GET", f"/management/{table}", params=params | {"start": skip, "size": max(wanted, 1)}
            )
            page = self._listed(Job, answer, _job)
            table_total = page.total or 0
            total += table_total
            if wanted > 0:
                jobs.extend(page[:wanted])
            skip = max(0, skip - table_total)
        jobs.total = total
        return jobs

    def count_jobs(
        self,
        *,
        process_instance_id: str | None = None,
        with_exception: bool | None = None,
        no_retries_left: bool | None = None,
        batch_id: str | None = None,
        job_definition_id: str | None = None,
    ) -> int:
        if job_definition_id is not None:
            _unsupported("job definitions")
        params = self._job_params(process_instance_id, with_exception, batch_id) | {"size": 0}
        # GET /management/{jobs|timer-jobs|deadletter-jobs} (size 0: the totals only)
        return sum(
            self._total(self._json("GET", f"/management/{table}", params=params))
            for table in self._job_tables(no_retries_left)
        )

    def _find_job(self, job_id: str) -> tuple[str, dict[str, Any]]:
        for table in (JOBS, TIMER_JOBS, DEAD_LETTER_JOBS):
            try:
                # GET /management/{jobs|timer-jobs|deadletter-jobs}/{jobId}
                return table, self._json("GET", f"/management/{table}/{_segment(job_id)}")
            except NotFound:
                continue
        raise NotFound(f"no job has the id {job_id!r} (any more)", engine=self.config.name, status=404)

    def get_job(self, job_id: str) -> Job:
        _, raw = self._find_job(job_id)
        return self._model(Job, _job(raw), "a job")

    def job_stacktrace(self, job_id: str) -> str:
        table, _ = self._find_job(job_id)
        # GET /management/{jobs|timer-jobs|deadletter-jobs}/{jobId}/exception-stacktrace
        response = self.transport.request(
            "GET", f"/management/{table}/{_segment(job_id)}/exception-stacktrace", accept="text/plain, */*"
        )
        return response.text

    def set_job_retries(self, job_id: str, retries: int, *, due_date: datetime | None = None) -> None:
        """Flowable cannot set a job's retries: a dead-letter job is moved back to the executable jobs
        (with the engine's configured retries) and runs now; a job still retrying is run now."""
        if due_date is not None:
            _unsupported("way to schedule a failed job for later: it can only be run again now")
        table, _ = self._find_job(job_id)
        if table == DEAD_LETTER_JOBS:
            # POST /management/deadletter-jobs/{jobId} (action move)
            self._json("POST", f"/management/{DEAD_LETTER_JOBS}/{_segment(job_id)}", json={"action": "move"})
        elif table == TIMER_JOBS:
            # POST /management/timer-jobs/{jobId} (action move: due now)
            self._json("POST", f"/management/{TIMER_JOBS}/{_segment(job_id)}", json={"action": "move"})
        else:
            # POST /management/jobs/{jobId} (action execute)
            self._json("POST", f"/management/{JOBS}/{_segment(job_id)}", json={"action": "execute"})

    def execute_job(self, job_id: str) -> None:
        table, _ = self._find_job(job_id)
        if table == JOBS:
            # POST /management/jobs/{jobId} (action execute): runs it now, its failure is the answer
            self._json("POST", f"/management/{JOBS}/{_segment(job_id)}", json={"action": "execute"})
        elif table == TIMER_JOBS:
            # POST /management/timer-jobs/{jobId} (action move): due now, the async executor runs it
            self._json("POST", f"/management/{TIMER_JOBS}/{_segment(job_id)}", json={"action": "move"})
        else:
            _unsupported("way to run a failed job as it stands: retry it, which moves it back and runs it")

    def set_job_due_date(self, job_id: str, due_date: datetime) -> None:
        _unsupported("way to move a timer's due date")

    def recalculate_job_due_date(self, job_id: str, *, from_creation: bool = False) -> None:
        _unsupported("way to work a timer's due date out again")

    # --- user tasks ------------------------------------------------------------------------

    def list_user_tasks(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 50
    ) -> list[UserTask]:
        # GET /runtime/tasks?processInstanceId= (oldest first)
        answer = self._json(
            "GET",
            "/runtime/tasks",
            params={"processInstanceId": process_instance_id, "sort": "createTime", "order": "asc"}
            | _page(offset, limit),
        )
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
            raise UnreadableAnswer("the engine answered tasks without data", engine=self.config.name)
        raws = [raw for raw in answer["data"] if isinstance(raw, dict) and isinstance(raw.get("id"), str)]
        links = fan_out({raw["id"]: partial(self._task_links, raw["id"]) for raw in raws})
        return [self._user_task(raw, links[raw["id"]]) for raw in raws]

    def get_user_task(self, task_id: str) -> UserTask:
        # GET /runtime/tasks/{taskId}
        raw = self._json("GET", f"/runtime/tasks/{_segment(task_id)}")
        return self._user_task(raw, self._task_links(task_id))

    def set_task_assignee(self, task_id: str, assignee: str | None) -> None:
        # PUT /runtime/tasks/{taskId}: an assignee of null takes the task back
        self._json("PUT", f"/runtime/tasks/{_segment(task_id)}", json={"assignee": assignee})

    def add_candidate_group(self, task_id: str, group_id: str) -> None:
        # POST /runtime/tasks/{taskId}/identitylinks
        self._json(
            "POST",
            f"/runtime/tasks/{_segment(task_id)}/identitylinks",
            json={"group": group_id, "type": "candidate"},
        )

    def remove_candidate_group(self, task_id: str, group_id: str) -> None:
        # DELETE /runtime/tasks/{taskId}/identitylinks/groups/{groupId}/candidate
        self.transport.request(
            "DELETE",
            f"/runtime/tasks/{_segment(task_id)}/identitylinks/groups/{_segment(group_id)}/candidate",
        )

    def _task_links(self, task_id: str) -> list[dict[str, Any]]:
        # GET /runtime/tasks/{taskId}/identitylinks
        answer = self._json("GET", f"/runtime/tasks/{_segment(task_id)}/identitylinks")
        return [link for link in answer or [] if isinstance(link, dict) and link.get("type") == "candidate"]

    def _user_task(self, raw: Any, links: list[dict[str, Any]]) -> UserTask:
        if not isinstance(raw, dict):
            raise UnreadableAnswer("the engine answered a task that is no object", engine=self.config.name)
        converted = {
            "id": raw.get("id"),
            "name": raw.get("name"),
            "assignee": raw.get("assignee"),
            "created": raw.get("createTime"),
            "due": raw.get("dueDate"),
            "activity_id": raw.get("taskDefinitionKey"),
            "process_instance_id": raw.get("processInstanceId"),
            "execution_id": raw.get("executionId"),
            "suspended": raw.get("suspended"),
            "candidate_users": tuple(str(link["user"]) for link in links if link.get("user")),
            "candidate_groups": tuple(str(link["group"]) for link in links if link.get("group")),
        }
        return self._model(UserTask, converted, "a user task")

    # --- external tasks and job definitions: Flowable has neither ------------------------------

    def list_external_tasks(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 50
    ) -> list[ExternalTask]:
        _unsupported("external tasks of the Camunda kind")

    def get_external_task(self, task_id: str) -> ExternalTask:
        _unsupported("external tasks of the Camunda kind")

    def external_task_error_details(self, task_id: str) -> str:
        _unsupported("external tasks of the Camunda kind")

    def set_external_task_retries(self, task_id: str, retries: int) -> None:
        _unsupported("external tasks of the Camunda kind")

    def unlock_external_task(self, task_id: str) -> None:
        _unsupported("external tasks of the Camunda kind")

    def called_definitions(self, definition_id: str) -> list[CalledDefinition]:
        # Flowable lists no called definitions: each call activity's calledElement is read from the BPMN
        # and resolved as Flowable starts it, to the latest version of that key in the caller's tenant.
        caller = self.deployed_definition(definition_id)
        try:
            model = parse_model(self.definition_xml(definition_id))
        except BpmnError as error:
            raise UnreadableAnswer(str(error), engine=self.config.name) from None
        callers: dict[str, list[str]] = {}
        for node in model.nodes.values():
            if node.type == "callActivity" and node.calls_by_key:
                callers.setdefault(node.calls_by_key, []).append(node.id)
        called = []
        for key, activity_ids in callers.items():
            try:
                found = self.get_latest_definition(key, tenant_id=caller.tenant_id or None)
            except NotFound:
                continue  # as Camunda: a key nothing is deployed under is left out
            called.append(
                CalledDefinition(
                    **found.model_dump(),
                    called_from_activity_ids=tuple(sorted(activity_ids)),
                    calling_process_definition_id=definition_id,
                )
            )
        return called

    def list_job_definitions(
        self, *, process_definition_id: str, offset: int = 0, limit: int = 50
    ) -> list[JobDefinition]:
        _unsupported("job definitions")

    def get_job_definition(self, job_definition_id: str) -> JobDefinition:
        _unsupported("job definitions")

    def set_job_definition_suspended(
        self, job_definition_id: str, *, suspended: bool, include_jobs: bool = False
    ) -> None:
        _unsupported("job definitions")

    def set_job_definition_priority(
        self, job_definition_id: str, priority: int | None, *, include_jobs: bool = False
    ) -> None:
        _unsupported("job definitions")

    # --- history -------------------------------------------------------------------------

    def list_historic_instances(
        self, query: HistoricProcessInstanceQuery | None = None, *, offset: int = 0, limit: int = 50
    ) -> Listed[HistoricProcessInstance]:
        body = historic_query(query) | _page(offset, limit)
        # POST /query/historic-process-instances
        answer = self._json("POST", "/query/historic-process-instances", json=body, safe_to_repeat=True)
        return self._listed(HistoricProcessInstance, answer, _historic_instance)

    def count_historic_instances(self, query: HistoricProcessInstanceQuery | None = None) -> int:
        body = historic_query(query) | {"size": 0}
        body.pop("sort", None)
        body.pop("order", None)
        # POST /query/historic-process-instances (size 0: the total only)
        answer = self._json("POST", "/query/historic-process-instances", json=body, safe_to_repeat=True)
        return self._total(answer)

    def count_historic_incidents(
        self, *, created_after: datetime | None = None, created_before: datetime | None = None
    ) -> int:
        _unsupported("history of incidents (a failed job leaves no record once it is resolved)")

    def get_historic_instance(self, instance_id: str) -> HistoricProcessInstance:
        # GET /history/historic-process-instances/{processInstanceId}
        answer = self._json("GET", f"/history/historic-process-instances/{_segment(instance_id)}")
        return self._model(HistoricProcessInstance, _historic_instance(answer), "a historic instance")

    def historic_activity_instances(
        self,
        process_instance_id: str,
        *,
        finished: bool | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> Listed[HistoricActivityInstance]:
        params = {
            "processInstanceId": process_instance_id,
            "finished": finished,
            "sort": "startTime",
            "order": "asc",
        } | _page(offset, limit)
        # GET /history/historic-activity-instances
        answer = self._json("GET", "/history/historic-activity-instances", params=params)
        return self._listed(HistoricActivityInstance, answer, _historic_activity)

    # Its history REST API filters activity instances by neither start nor end time, nor counts them
    # per activity: no window, no sample of the newest, no "in it since before".
    def historic_activity_statistics(
        self, definition_id: str, *, started_after: datetime | None = None
    ) -> list[HistoricActivityStatistics]:
        _unsupported("per-activity statistics from its history")

    def find_historic_activity_instances(
        self, query: HistoricActivityInstanceQuery, *, offset: int = 0, limit: int = 50
    ) -> list[HistoricActivityInstance]:
        _unsupported("filter on when an activity instance started or ended")

    def count_historic_activity_instances(self, query: HistoricActivityInstanceQuery) -> int:
        _unsupported("filter on when an activity instance started or ended")

    def historic_variables(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 200
    ) -> Listed[HistoricVariable]:
        params = {"processInstanceId": process_instance_id, "sort": "variableName", "order": "asc"}
        # GET /history/historic-variable-instances
        answer = self._json(
            "GET", "/history/historic-variable-instances", params=params | _page(offset, limit)
        )
        return self._listed(HistoricVariable, answer, _historic_variable)

    def user_operations(
        self,
        *,
        process_instance_id: str | None = None,
        batch_id: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[UserOperation]:
        _unsupported("user operation log")

    # --- modification --------------------------------------------------------------------

    def modify_instance(self, instance_id: str, modification: Modification) -> None:
        cancel: list[str] = []
        start: list[str] = []
        if modification.skip_custom_listeners or modification.skip_io_mappings:
            _unsupported("way to move tokens skipping listeners or mappings")
        for instruction in modification.instructions:
            exact = instruction.activity_instance_id or instruction.transition_instance_id
            if instruction.variables or instruction.ancestor_activity_instance_id or exact:
                _unsupported(
                    "way to move one token by its activity instance, with an ancestor or with variables"
                    " (change-state cancels and starts activities by id)"
                )
            if instruction.type == InstructionKind.CANCEL and instruction.activity_id:
                cancel.append(instruction.activity_id)
            elif instruction.type == InstructionKind.START_BEFORE_ACTIVITY and instruction.activity_id:
                start.append(instruction.activity_id)
            else:
                _unsupported(
                    f"{instruction.type.replace('_', ' ')} instruction (change-state cancels activities and"
                    " starts before activities)"
                )
        # POST /runtime/process-instances/{processInstanceId}/change-state
        self._json(
            "POST",
            f"/runtime/process-instances/{_segment(instance_id)}/change-state",
            json={"cancelActivityIds": cancel, "startActivityIds": start},
        )

    def modify_instance_async(self, instance_id: str, modification: Modification) -> Batch:
        _unsupported("engine-side batches (modification as a batch)")

    def execute_modification_async(
        self,
        definition_id: str,
        modification: Modification,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
    ) -> Batch:
        _unsupported("engine-side batches (modification of many instances)")

    # --- migration: Flowable's migration document, one instance at a time -----------------------

    def generate_migration_plan(
        self,
        source_definition_id: str,
        target_definition_id: str,
        *,
        update_event_triggers: bool = False,
    ) -> MigrationPlan:
        # Flowable has no plan generation: it maps an activity onto the target's activity of the same
        # id by itself. The plan spells that out, for the activities of the same id and kind.
        source = parse_model(self.definition_xml(source_definition_id))
        target = parse_model(self.definition_xml(target_definition_id))
        instructions = tuple(
            MigrationInstruction(
                (node.id,), (node.id,), update_event_trigger=update_event_triggers and bool(node.event)
            )
            for node in source.nodes.values()
            if node.type not in _NOT_MIGRATED
            and node.id in target.nodes
            and target.nodes[node.id].type == node.type
        )
        return MigrationPlan(source_definition_id, target_definition_id, instructions)

    def validate_migration_plan(self, plan: MigrationPlan) -> MigrationReport:
        _unsupported("validation of a migration plan before it runs (the migration itself reports refusals)")

    def migrate_instances(
        self,
        plan: MigrationPlan,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> None:
        if skip_custom_listeners or skip_io_mappings:
            _unsupported("way to migrate skipping listeners or mappings")
        wanted = list(dict.fromkeys(ids or ()))
        if query is not None:
            matching = self._all(lambda **page: self.list_instances(query, **page))
            wanted += [i.id for i in matching if i.id not in wanted]
        document = _migration_document(plan)
        moved: list[str] = []
        for instance_id in wanted:
            try:
                # POST /runtime/process-instances/{processInstanceId}/migrate
                self.transport.request(
                    "POST", f"/runtime/process-instances/{_segment(instance_id)}/migrate", json=document
                )
            except EngineError as error:
                if not moved:
                    raise
                # Flowable migrates one instance per request: say which ones did move.
                raise type(error)(
                    f"{error.message} (after {len(moved)} of {len(wanted)} instances were migrated)",
                    engine=self.config.name,
                ) from None
            moved.append(instance_id)

    def migrate_instances_async(
        self,
        plan: MigrationPlan,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> Batch:
        # Flowable's batch-migrate takes every instance of a definition, never a chosen set.
        _unsupported("migration batch for chosen instances")

    # --- finished instances: Flowable restarts none and deletes history one instance at a time ----

    def restart_instances(
        self,
        definition_id: str,
        restart: Restart,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
    ) -> None:
        _unsupported("restart of finished instances")

    def restart_instances_async(
        self,
        definition_id: str,
        restart: Restart,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
    ) -> Batch:
        _unsupported("restart of finished instances")

    def delete_historic_instances_async(
        self,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
        *,
        reason: str | None = None,
    ) -> Batch:
        _unsupported("batch deleting the history of finished instances")

    # --- bulk work: none on Flowable's side; the dashboard goes item by item ----------------

    def delete_instances_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        reason: str | None = None,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
        skip_subprocesses: bool = False,
    ) -> Batch:
        _unsupported("engine-side batches (deleting many instances)")

    def set_instances_suspended_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        suspended: bool,
    ) -> Batch:
        _unsupported("engine-side batches (suspending many instances)")

    def set_job_retries_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        retries: int,
        due_date: datetime | None = None,
    ) -> Batch:
        _unsupported("engine-side batches (retrying the jobs of many instances)")

    def set_jobs_retries_async(self, job_ids: Iterable[str], retries: int) -> Batch:
        _unsupported("engine-side batches (retrying many jobs)")

    def set_variables_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        variables: dict[str, TypedValue],
    ) -> Batch:
        _unsupported("engine-side batches (setting variables on many instances)")

    def batch_statistics(
        self, *, batch_id: str | None = None, sort: Sort | None = None, offset: int = 0, limit: int = 50
    ) -> list[BatchStatistics]:
        # Flowable runs no batches the dashboard starts: there are never any to show.
        check_page(offset, limit)
        return []

    def count_batches(self) -> int:
        return 0

    def get_batch(self, batch_id: str) -> Batch:
        raise NotFound(
            f"Flowable has no engine batches: no batch {batch_id!r}", engine=self.config.name, status=404
        )

    def get_historic_batch(self, batch_id: str) -> HistoricBatch:
        raise NotFound(
            f"Flowable has no engine batches: no batch {batch_id!r}", engine=self.config.name, status=404
        )

    def set_batch_suspended(self, batch_id: str, *, suspended: bool) -> None:
        _unsupported("engine-side batches")

    def delete_batch(self, batch_id: str, *, cascade: bool = False) -> None:
        _unsupported("engine-side batches")


# --- queries in Flowable's spelling ---------------------------------------------------------


def _variable_filters(filters: Iterable[VariableFilter], *, ignore_case: bool | None) -> list[dict[str, Any]]:
    spelled = []
    for item in filters:
        operation = (_IGNORING_CASE if ignore_case else _OPERATORS).get(item.operator)
        if operation is None:
            _unsupported(f"variable comparison {item.operator!r} ignoring case")
        body: dict[str, Any] = {"name": item.name, "operation": operation, "value": item.value}
        if isinstance(item.value, datetime):
            # Numbers, texts and booleans go untyped: Flowable types them as JSON reads them (a
            # "long" type would miss an integer variable); a date is text, so it is typed.
            body["value"], body["type"] = format_date(item.value), "date"
        spelled.append(body)
    return spelled


def _one_tenant(tenant_ids: tuple[str, ...]) -> dict[str, Any]:
    if len(tenant_ids) > 1:
        _unsupported("filter on several tenants at once (one tenant id only)")
    return {"tenantId": tenant_ids[0]} if tenant_ids else {}


def _sorting(sorting: tuple[Sort, ...]) -> dict[str, str]:
    if len(sorting) > 1:
        _unsupported("sorting by more than one key")
    return _sort(sorting[0]) if sorting else {}


def instance_query(query: ProcessInstanceQuery | None) -> dict[str, Any]:
    """A ProcessInstanceQuery as Flowable's ProcessInstanceQueryRequest. Flowable ignores a field it
    does not know, so a filter it lacks is refused here, never sent to be silently dropped."""
    if query is None:
        return {}
    lacking = {
        "process_definition_key_not_in": "filter excluding definition keys",
        "case_instance_id": "case instances in its process instance query",
        "with_incident": "instance query by failures (FlowableClient narrows it by dead-letter jobs)",
        "incident_type": "instance query by failures (FlowableClient narrows it by dead-letter jobs)",
        "incident_id": "instance filter by one failure",
        "process_definition_without_tenant_id": "filter on definitions without a tenant",
        "leaf_process_instances": "filter on instances that call none",
        "variable_names_ignore_case": "variable names compared ignoring case",
    }
    for name, what in lacking.items():
        if getattr(query, name) not in (None, ()):
            _unsupported(what)
    if query.active is not None and query.suspended is not None and query.active == query.suspended:
        _unsupported("query for instances both active and suspended")
    suspended = (
        query.suspended
        if query.suspended is not None
        else (None if query.active is None else not query.active)
    )
    body: dict[str, Any] = {
        "processInstanceIds": list(query.process_instance_ids) or None,
        "processBusinessKey": query.business_key,
        "processBusinessKeyLike": query.business_key_like,
        "processDefinitionId": query.process_definition_id,
        "processDefinitionKey": query.process_definition_key,
        "processDefinitionKeys": list(query.process_definition_key_in) or None,
        "deploymentId": query.deployment_id,
        "superProcessInstanceId": query.super_process_instance,
        "subProcessInstanceId": query.sub_process_instance,
        "suspended": suspended,
        "withoutTenantId": query.without_tenant_id,
        "excludeSubprocesses": query.root_process_instances,
        "activeActivityIds": list(query.activity_ids) or None,
    }
    if query.variables:
        body["variables"] = _variable_filters(query.variables, ignore_case=query.variable_values_ignore_case)
    body = {k: v for k, v in body.items() if v is not None}
    return body | _one_tenant(query.tenant_ids) | _sorting(query.sorting)


_HISTORIC_TRANSLATED = frozenset(
    {
        "process_instance_ids", "process_instance_business_key", "process_definition_id",
        "process_definition_key", "super_process_instance_id", "root_process_instances", "finished",
        "unfinished", "started_before", "started_after", "finished_before", "finished_after",
        "variables", "variable_values_ignore_case", "tenant_ids", "sorting",
    }
)  # fmt: skip


def historic_query(query: HistoricProcessInstanceQuery | None) -> dict[str, Any]:
    """A HistoricProcessInstanceQuery as Flowable's HistoricProcessInstanceQueryRequest."""
    if query is None:
        return {}
    lacking = {
        "process_definition_key_in": "filter on several definition keys in history",
        "process_instance_business_key_like": "business key pattern in history",
        "sub_process_instance_id": "sub-process filter in history",
        "active": "suspension state in history",
        "suspended": "suspension state in history",
        "completed": "completed state in history",
        "with_incidents": "incidents (failures are dead-letter jobs)",
        "incident_type": "incidents (failures are dead-letter jobs)",
        "incident_message_like": "incidents (failures are dead-letter jobs)",
        "active_activity_ids": "active activity filter in history",
        "variable_names_ignore_case": "variable names compared ignoring case",
        "externally_terminated": "filter on how an instance ended, in history",
        "internally_terminated": "filter on how an instance ended, in history",
    }
    for name, what in lacking.items():
        if getattr(query, name) not in (None, ()):
            _unsupported(what)
    # A filter added to the domain later is refused here until it is translated, never dropped.
    unknown = [
        f.name
        for f in fields(query)
        if f.name not in _HISTORIC_TRANSLATED
        and f.name not in lacking
        and getattr(query, f.name) not in (None, ())
    ]
    if unknown:
        _unsupported(f"history filter {', '.join(unknown)}")
    if query.finished and query.unfinished:
        _unsupported("query for instances both finished and unfinished")
    finished = True if query.finished else (False if query.unfinished else None)
    dates = {
        "startedBefore": query.started_before,
        "startedAfter": query.started_after,
        "finishedBefore": query.finished_before,
        "finishedAfter": query.finished_after,
    }
    body: dict[str, Any] = {
        "processInstanceIds": list(query.process_instance_ids) or None,
        "processBusinessKey": query.process_instance_business_key,
        "processDefinitionId": query.process_definition_id,
        "processDefinitionKey": query.process_definition_key,
        "superProcessInstanceId": query.super_process_instance_id,
        "excludeSubprocesses": query.root_process_instances,
        "finished": finished,
    } | {k: format_date(v) for k, v in dates.items() if v is not None}
    if query.variables:
        body["variables"] = _variable_filters(query.variables, ignore_case=query.variable_values_ignore_case)
    body = {k: v for k, v in body.items() if v is not None}
    return body | _one_tenant(query.tenant_ids) | _sorting(query.sorting)


def _like(pattern: str) -> re.Pattern[str]:
    """A *_like pattern (engines.queries.containing) as a regular expression: % any text, _ one
    character, a backslash takes the next character literally."""
    parts, escaped = [], False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def _nothing() -> Listed[Any]:
    empty: Listed[Any] = Listed()
    empty.total = 0
    return empty


# --- Flowable's answers in the domain's names --------------------------------------------------


def _tenant(raw: dict[str, Any]) -> str | None:
    # Flowable spells "no tenant" as the empty text.
    return raw.get("tenantId") or None


def _deployment(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    # Flowable keeps no source; its category is the nearest thing to where a deployment came from.
    return {
        "id": raw.get("id"),
        "name": raw.get("name"),
        "source": raw.get("category"),
        "deployment_time": raw.get("deploymentTime"),
        "tenant_id": _tenant(raw),
    }


def _resource(deployment_id: str, raw: dict[str, Any]) -> dict[str, Any]:
    """A resource's id is its name, which may hold slashes (diagrams/order.bpmn20.xml): the dashboard's
    id is the name in hex, so that it stays one path segment."""
    name = raw.get("id")
    return {
        "id": name.encode().hex() if isinstance(name, str) and name else None,
        "name": name,
        "deployment_id": deployment_id,
    }


def _resource_name(resource_id: str) -> str:
    try:
        name = bytes.fromhex(resource_id).decode()
    except (ValueError, UnicodeDecodeError):
        name = ""
    if not name:
        raise NotFound(f"no resource has the id {resource_id!r}", status=404)
    return name


def _definition(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    return {
        "id": raw.get("id"),
        "key": raw.get("key"),
        "name": raw.get("name"),
        "version": raw.get("version"),
        "category": raw.get("category"),
        "description": raw.get("description"),
        "deployment_id": raw.get("deploymentId"),
        "resource": raw.get("resource"),
        "diagram": raw.get("diagramResource"),
        "suspended": raw.get("suspended"),
        "tenant_id": _tenant(raw),
    }


def _instance(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    return {
        "id": raw.get("id"),
        "definition_id": raw.get("processDefinitionId"),
        "business_key": raw.get("businessKey"),
        "suspended": raw.get("suspended"),
        "ended": raw.get("ended"),
        "tenant_id": _tenant(raw),
    }


def _job(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": raw.get("id"),
        "due_date": raw.get("dueDate"),
        "process_instance_id": raw.get("processInstanceId"),
        "execution_id": raw.get("executionId"),
        "process_definition_id": raw.get("processDefinitionId"),
        "retries": raw.get("retries"),
        "exception_message": raw.get("exceptionMessage"),
        "failed_activity_id": raw.get("elementId"),
        "tenant_id": _tenant(raw),
        "create_time": raw.get("createTime"),
    }


def _incident(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    return {
        "id": raw.get("id"),
        "process_definition_id": raw.get("processDefinitionId"),
        "process_instance_id": raw.get("processInstanceId"),
        "execution_id": raw.get("executionId"),
        "incident_timestamp": raw.get("createTime"),
        "incident_type": "failedJob",
        "activity_id": raw.get("elementId"),
        "failed_activity_id": raw.get("elementId"),
        # A dead-letter job is its own root cause.
        "root_cause_incident_id": raw.get("id"),
        "configuration": raw.get("id"),
        "job_id": raw.get("id"),
        "tenant_id": _tenant(raw),
        "incident_message": raw.get("exceptionMessage"),
    }


def _historic_instance(raw: Any) -> Any:
    if not isinstance(raw, dict):
        return raw
    definition_id = raw.get("processDefinitionId")
    key, version = None, None
    if isinstance(definition_id, str) and definition_id.count(":") >= 2:
        # Flowable's definition ids are key:version:uuid.
        key, raw_version, _ = definition_id.rsplit(":", 2)
        version = int(raw_version) if raw_version.isdigit() else None
    ended = raw.get("endTime") is not None
    return {
        "id": raw.get("id"),
        "business_key": raw.get("businessKey"),
        "process_definition_id": definition_id,
        "process_definition_key": key,
        "process_definition_name": raw.get("processDefinitionName"),
        "process_definition_version": version,
        "start_time": raw.get("startTime"),
        "end_time": raw.get("endTime"),
        "duration_in_millis": raw.get("durationInMillis"),
        "start_user_id": raw.get("startUserId"),
        "start_activity_id": raw.get("startActivityId"),
        "delete_reason": raw.get("deleteReason"),
        "super_process_instance_id": raw.get("superProcessInstanceId"),
        "tenant_id": _tenant(raw),
        # Camunda's names for the states, which the domain uses.
        "state": ("EXTERNALLY_TERMINATED" if raw.get("deleteReason") else "COMPLETED") if ended else "ACTIVE",
    }


def _historic_activity(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": raw.get("id"),
        "activity_id": raw.get("activityId"),
        "activity_name": raw.get("activityName"),
        "activity_type": raw.get("activityType"),
        "process_definition_id": raw.get("processDefinitionId"),
        "process_instance_id": raw.get("processInstanceId"),
        "execution_id": raw.get("executionId"),
        "task_id": raw.get("taskId"),
        "called_process_instance_id": raw.get("calledProcessInstanceId"),
        "assignee": raw.get("assignee"),
        "start_time": raw.get("startTime"),
        "end_time": raw.get("endTime"),
        "duration_in_millis": raw.get("durationInMillis"),
        "tenant_id": _tenant(raw),
    }


def _historic_variable(raw: dict[str, Any]) -> dict[str, Any]:
    variable = raw.get("variable") if isinstance(raw.get("variable"), dict) else {}
    assert isinstance(variable, dict)
    typed = decode(variable)
    return {
        "id": raw.get("id"),
        "name": variable.get("name"),
        "value": typed,
        "process_instance_id": raw.get("processInstanceId"),
        "execution_id": raw.get("executionId"),
        "error_message": typed.unreadable or None,
    }
