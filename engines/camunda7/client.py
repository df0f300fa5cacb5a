"""Camunda 7 engine-rest adapter (also Operaton and CIB seven, which keep the API).

Each method names, above its call, the endpoint it uses, so the OpenAPI spec is one
search away.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from email.message import Message
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from engines.base import BulkWork, Capabilities, EngineClient, InstanceTree
from engines.camunda7.dates import format_engine_date
from engines.camunda7.errors import read_error
from engines.camunda7.parsing import parse
from engines.camunda7.variables import decode, encode
from engines.camunda7.wire import (
    historic_activity_order,
    historic_activity_params,
    migration_plan_json,
    migration_plan_of,
    migration_report_of,
    modification_json,
    query_json,
    restart_json,
    sort_json,
)
from engines.config import EngineConfig
from engines.errors import UnaddressableName, UnreadableAnswer
from engines.migration import MigrationPlan, MigrationReport
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
    DomainModel,
    EngineVersion,
    ExternalTask,
    HistoricActivityInstance,
    HistoricActivityStatistics,
    HistoricBatch,
    HistoricProcessInstance,
    HistoricVariable,
    Incident,
    Job,
    JobDefinition,
    ProcessDefinition,
    ProcessInstance,
    UserOperation,
    UserTask,
    Variable,
)
from engines.queries import (
    HistoricActivityInstanceQuery,
    HistoricProcessInstanceQuery,
    IncidentFilter,
    InstructionKind,
    Modification,
    ProcessInstanceQuery,
    Restart,
    Sort,
    check_page,
)
from engines.transport import Transport
from engines.variables import TypedValue, VariableType, to_text

M = TypeVar("M", bound=DomainModel)
R = TypeVar("R")


def _segment(value: str) -> str:
    """An id or name as one URL path segment: nothing in it can reach another path.

    '/' and '\\' are percent-encoded so they cannot split it. '.' and '..' cannot be encoded away
    (clients and servers collapse dot segments, '%2E' included), so they, and an empty name, are
    refused before anything is sent. ':' stays as it is: definition ids are key:version:id.
    """
    if not value or value in (".", ".."):
        raise UnaddressableName(
            f"{value!r} cannot be addressed on the engine: an id or name that is empty, '.' or '..' "
            "would reach another endpoint. Nothing was sent.",
            status=400,
        )
    return quote(value, safe=":@")


def _page(offset: int, limit: int) -> dict[str, int]:
    check_page(offset, limit)
    return {"firstResult": offset, "maxResults": limit}


def _sort(sort: Sort | None) -> dict[str, str]:
    return sort_json(sort)


def _targets(ids: Iterable[str] | None, query: Any, *, ids_key: str = "processInstanceIds") -> dict[str, Any]:
    """Bulk operations act on ids, on a query's result, or on both."""
    body: dict[str, Any] = {}
    if ids:
        body[ids_key] = list(ids)
    if query is not None:
        key = (
            "historicProcessInstanceQuery"
            if isinstance(query, HistoricProcessInstanceQuery)
            else "processInstanceQuery"
        )
        body[key] = query_json(query)
    if not body:
        raise ValueError("a bulk operation needs instance ids or a query")
    return body


# A deployment deploys a handful of definitions; this many are read in one page.
MAX_DEFINITIONS_PER_DEPLOYMENT = 200

BINARY_ACCEPT = "application/octet-stream, */*;q=0.8"

# Camunda 7 (and its forks) can do everything the dashboard offers.
CAPABILITIES = Capabilities(
    instructions=frozenset(InstructionKind),
    modification_of_many=True,
    engine_batches=frozenset(BulkWork),
    batch_management=True,
    process_statistics=True,
    incident_annotation=True,
    user_operation_log=True,
    instance_tree=InstanceTree.ACTIVITY_INSTANCES,
    local_variables=True,
    skip_options=True,
    variable_types=frozenset(VariableType),
    migration=True,
    migration_validation=True,
    restart_instances=True,
    user_tasks=True,
    external_tasks=True,
    job_due_dates=True,
    job_definitions=True,
    called_definitions=True,
    activity_history=True,
    incident_history=True,
)


class Camunda7Client(EngineClient):
    def __init__(self, config: EngineConfig, *, http: httpx.Client | None = None) -> None:
        self.config = config
        self.transport = Transport(config, http=http, read_error=read_error)
        # A definition's XML never changes for its id: keep it for the life of the process.
        self._xml_cache: dict[str, str] = {}
        self._deployed: dict[str, ProcessDefinition] = {}
        self._xml_lock = threading.Lock()

    @property
    def capabilities(self) -> Capabilities:
        return CAPABILITIES

    def close(self) -> None:
        self.transport.close()

    # --- small helpers -------------------------------------------------------------------

    def _one(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        answer = self.transport.json(method, path, **kwargs)
        try:
            return parse(model, answer)
        except ValidationError as error:
            raise UnreadableAnswer(f"{method} {path}: {_refusal(error)}", engine=self.config.name) from None

    def _many(self, model: type[M], method: str, path: str, **kwargs: Any) -> list[M]:
        """Each item read on its own: one the model refuses costs its row (unreadable), not the page."""
        answer = self.transport.json(method, path, **kwargs) or []
        if not isinstance(answer, list):
            raise UnreadableAnswer(f"{method} {path}: a list was expected", engine=self.config.name)
        items = []
        for item in answer:
            try:
                items.append(parse(model, item))
            except ValidationError as error:
                items.append(model.unreadable_item(item, _refusal(error)))
        return items

    def _count(self, method: str, path: str, **kwargs: Any) -> int:
        answer = self.transport.json(method, path, **kwargs)
        count = answer.get("count") if isinstance(answer, dict) else None
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise UnreadableAnswer(f"{method} {path}: no count in the answer", engine=self.config.name)
        return count

    def _query(self, model: type[M], path: str, query: Any, offset: int, limit: int) -> list[M]:
        """A POST query: a read, so safe to repeat; the page goes in the query string."""
        return self._many(
            model, "POST", path, params=_page(offset, limit), json=query_json(query), safe_to_repeat=True
        )

    def _query_count(self, path: str, query: Any) -> int:
        return self._count("POST", path, json=query_json(query), safe_to_repeat=True)

    # --- engine -----------------------------------------------------------------------------

    def version(self) -> EngineVersion:
        # GET /version
        return self._one(EngineVersion, "GET", "/version")

    # --- process definitions --------------------------------------------------------------------

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
    ) -> list[ProcessDefinition]:
        # GET /process-definition
        params = _definition_filters(key, key_like, name_like, latest_version, suspended, tenant_ids)
        return self._many(
            ProcessDefinition,
            "GET",
            "/process-definition",
            params={**params, **_sort(sort), **_page(offset, limit)},
        )

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
        # GET /process-definition/count
        params = _definition_filters(key, key_like, name_like, latest_version, suspended, tenant_ids)
        return self._count("GET", "/process-definition/count", params=params)

    def get_definition(self, definition_id: str) -> ProcessDefinition:
        # GET /process-definition/{id}
        return self._one(ProcessDefinition, "GET", f"/process-definition/{_segment(definition_id)}")

    def deployed_definition(self, definition_id: str) -> ProcessDefinition:
        """The definition as deployed (name, key, version, resource), cached for the life of the process:
        an id never names anything else. Only its suspension changes; ask get_definition for that."""
        cached = self._deployed.get(definition_id)
        if cached is None:
            cached = self.get_definition(definition_id)
            with self._xml_lock:
                self._deployed[definition_id] = cached
        return cached

    def get_latest_definition(self, key: str, *, tenant_id: str | None = None) -> ProcessDefinition:
        # GET /process-definition/key/{key} and /key/{key}/tenant-id/{tenant-id}
        path = f"/process-definition/key/{_segment(key)}"
        if tenant_id:
            path += f"/tenant-id/{_segment(tenant_id)}"
        return self._one(ProcessDefinition, "GET", path)

    def definition_xml(self, definition_id: str) -> str:
        """The BPMN 2.0 XML; cached per process, since a deployed definition never changes."""
        cached = self._xml_cache.get(definition_id)
        if cached is not None:
            return cached
        # GET /process-definition/{id}/xml
        answer = self.transport.json("GET", f"/process-definition/{_segment(definition_id)}/xml")
        xml = answer.get("bpmn20Xml") if isinstance(answer, dict) else None
        if not isinstance(xml, str):
            return ""  # none sent: nothing to keep either
        with self._xml_lock:
            self._xml_cache[definition_id] = xml
        return xml

    def called_definitions(self, definition_id: str) -> list[CalledDefinition]:
        # GET /process-definition/{id}/static-called-process-definitions
        path = f"/process-definition/{_segment(definition_id)}/static-called-process-definitions"
        return self._many(CalledDefinition, "GET", path)

    # --- deployments ----------------------------------------------------------------------------------

    def list_deployments(
        self, *, name_like: str | None = None, sort: Sort | None = None, offset: int = 0, limit: int = 50
    ) -> list[Deployment]:
        # GET /deployment
        params = {"nameLike": name_like, **_sort(sort), **_page(offset, limit)}
        return self._many(Deployment, "GET", "/deployment", params=params)

    def count_deployments(self, *, name_like: str | None = None) -> int:
        # GET /deployment/count
        return self._count("GET", "/deployment/count", params={"nameLike": name_like})

    def get_deployment(self, deployment_id: str) -> Deployment:
        # GET /deployment/{id}
        return self._one(Deployment, "GET", f"/deployment/{_segment(deployment_id)}")

    def deployment_resources(self, deployment_id: str) -> list[DeploymentResource]:
        # GET /deployment/{id}/resources
        return self._many(DeploymentResource, "GET", f"/deployment/{_segment(deployment_id)}/resources")

    def deployment_resource_data(self, deployment_id: str, resource_id: str) -> BinaryContent:
        # GET /deployment/{id}/resources/{resourceId}/data
        return self._binary(f"/deployment/{_segment(deployment_id)}/resources/{_segment(resource_id)}/data")

    def deployment_definitions(self, deployment_id: str) -> list[ProcessDefinition]:
        # GET /process-definition?deploymentId=
        params = {"deploymentId": deployment_id, **_sort(None), **_page(0, MAX_DEFINITIONS_PER_DEPLOYMENT)}
        return self._many(ProcessDefinition, "GET", "/process-definition", params=params)

    def delete_deployment(
        self,
        deployment_id: str,
        *,
        cascade: bool = False,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> None:
        # DELETE /deployment/{id}
        params = {
            "cascade": cascade,
            "skipCustomListeners": skip_custom_listeners,
            "skipIoMappings": skip_io_mappings,
        }
        self.transport.request("DELETE", f"/deployment/{_segment(deployment_id)}", params=params)

    def definition_statistics(self, *, root_incidents: bool = False) -> list[DefinitionStatistics]:
        # GET /process-definition/statistics
        params: dict[str, Any] = {"failedJobs": True}
        params["rootIncidents" if root_incidents else "incidents"] = True
        return self._many(DefinitionStatistics, "GET", "/process-definition/statistics", params=params)

    def activity_statistics(self, definition_id: str) -> list[ActivityStatistics]:
        # GET /process-definition/{id}/statistics
        return self._many(
            ActivityStatistics,
            "GET",
            f"/process-definition/{_segment(definition_id)}/statistics",
            params={"failedJobs": True, "incidents": True},
        )

    def set_definition_suspended(
        self,
        definition_id: str,
        *,
        suspended: bool,
        include_instances: bool = False,
        execution_date: datetime | None = None,
    ) -> None:
        # PUT /process-definition/{id}/suspended
        body: dict[str, Any] = {"suspended": suspended, "includeProcessInstances": include_instances}
        if execution_date:
            body["executionDate"] = format_engine_date(execution_date)
        self.transport.request("PUT", f"/process-definition/{_segment(definition_id)}/suspended", json=body)

    # --- process instances: queries ----------------------------------------------------------------

    def list_instances(
        self, query: ProcessInstanceQuery | None = None, *, offset: int = 0, limit: int = 50
    ) -> list[ProcessInstance]:
        # POST /process-instance
        return self._query(
            ProcessInstance, "/process-instance", query or ProcessInstanceQuery(), offset, limit
        )

    def count_instances(self, query: ProcessInstanceQuery | None = None) -> int:
        # POST /process-instance/count
        return self._query_count("/process-instance/count", query or ProcessInstanceQuery())

    def get_instance(self, instance_id: str) -> ProcessInstance:
        # GET /process-instance/{id}
        return self._one(ProcessInstance, "GET", f"/process-instance/{_segment(instance_id)}")

    def activity_instance_tree(self, instance_id: str) -> ActivityInstance:
        # GET /process-instance/{id}/activity-instances
        return self._one(
            ActivityInstance, "GET", f"/process-instance/{_segment(instance_id)}/activity-instances"
        )

    # --- process instances: single-instance actions ----------------------------------------------------

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
        # DELETE /process-instance/{id}: Camunda keeps no reason for a single delete (its batch does)
        self.transport.request(
            "DELETE",
            f"/process-instance/{_segment(instance_id)}",
            params={
                "skipCustomListeners": skip_custom_listeners,
                "skipIoMappings": skip_io_mappings,
                "skipSubprocesses": skip_subprocesses,
                "failIfNotExists": fail_if_not_exists,
            },
        )

    def set_instance_suspended(self, instance_id: str, *, suspended: bool) -> None:
        # PUT /process-instance/{id}/suspended
        self.transport.request(
            "PUT", f"/process-instance/{_segment(instance_id)}/suspended", json={"suspended": suspended}
        )

    def modify_instance(self, instance_id: str, modification: Modification) -> None:
        # POST /process-instance/{id}/modification
        self.transport.request(
            "POST",
            f"/process-instance/{_segment(instance_id)}/modification",
            json=modification_json(modification),
        )

    def modify_instance_async(self, instance_id: str, modification: Modification) -> Batch:
        # POST /process-instance/{id}/modification-async
        return self._one(
            Batch,
            "POST",
            f"/process-instance/{_segment(instance_id)}/modification-async",
            json=modification_json(modification),
        )

    # --- process instances: variables --------------------------------------------------------------------

    def instance_variables(self, instance_id: str, *, deserialize: bool = False) -> dict[str, TypedValue]:
        # GET /process-instance/{id}/variables
        raw = self.transport.json(
            "GET",
            f"/process-instance/{_segment(instance_id)}/variables",
            params={"deserializeValues": deserialize},
        )
        return {name: decode(dto) for name, dto in (raw or {}).items()}

    def get_variable(self, instance_id: str, name: str, *, deserialize: bool = False) -> TypedValue:
        # GET /process-instance/{id}/variables/{varName}
        return decode(
            self.transport.json(
                "GET",
                f"/process-instance/{_segment(instance_id)}/variables/{_segment(name)}",
                params={"deserializeValue": deserialize},
            )
        )

    def set_variable(
        self, instance_id: str, name: str, value: TypedValue, *, execution_id: str | None = None
    ) -> None:
        if execution_id:
            # PUT /execution/{id}/localVariables/{varName}
            path = f"/execution/{_segment(execution_id)}/localVariables/{_segment(name)}"
        else:
            # PUT /process-instance/{id}/variables/{varName}
            path = f"/process-instance/{_segment(instance_id)}/variables/{_segment(name)}"
        self.transport.request("PUT", path, json=encode(value))

    def delete_variable(self, instance_id: str, name: str, *, execution_id: str | None = None) -> None:
        if execution_id:
            # DELETE /execution/{id}/localVariables/{varName}
            path = f"/execution/{_segment(execution_id)}/localVariables/{_segment(name)}"
        else:
            # DELETE /process-instance/{id}/variables/{varName}
            path = f"/process-instance/{_segment(instance_id)}/variables/{_segment(name)}"
        self.transport.request("DELETE", path)

    def get_variable_data(self, instance_id: str, name: str) -> BinaryContent:
        # GET /process-instance/{id}/variables/{varName}/data
        return self._binary(f"/process-instance/{_segment(instance_id)}/variables/{_segment(name)}/data")

    def _binary(self, path: str) -> BinaryContent:
        # The spec declares application/octet-stream; real Camunda 7.24 answers a File in its own
        # type and 406 where that type is not acceptable, so anything else is accepted too.
        response = self.transport.request("GET", path, accept=BINARY_ACCEPT)
        return BinaryContent(
            data=response.content,
            mimetype=response.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip(),
            filename=_filename_of(response.headers.get("Content-Disposition", "")),
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
        """Upload a File (or Bytes) variable through the multipart binary endpoint."""
        if execution_id:
            # POST /execution/{id}/localVariables/{varName}/data
            path = f"/execution/{_segment(execution_id)}/localVariables/{_segment(name)}/data"
        else:
            # POST /process-instance/{id}/variables/{varName}/data
            path = f"/process-instance/{_segment(instance_id)}/variables/{_segment(name)}/data"
        self._upload(path, data, filename=filename, mimetype=mimetype, value_type=value_type)

    def _upload(
        self, path: str, data: bytes, *, filename: str, mimetype: str, value_type: VariableType
    ) -> None:
        if value_type not in (VariableType.FILE, VariableType.BYTES):
            raise ValueError("only File and Bytes variables have binary content")
        self.transport.request(
            "POST",
            path,
            files={
                "data": (filename, data, mimetype),
                "valueType": (None, value_type.value, "text/plain"),
            },
        )

    def get_variable_instance(self, variable_id: str) -> Variable:
        """One variable by its id, wherever it lives; NotFound once it is gone."""
        # GET /variable-instance/{id}
        raw = self.transport.json(
            "GET", f"/variable-instance/{_segment(variable_id)}", params={"deserializeValue": False}
        )
        return _variable(raw)

    def variable_instance_data(self, variable_id: str) -> BinaryContent:
        # GET /variable-instance/{id}/data
        return self._binary(f"/variable-instance/{_segment(variable_id)}/data")

    def variable_instances(
        self,
        instance_id: str,
        *,
        name: str | None = None,
        offset: int = 0,
        limit: int = 500,
        deserialize: bool = False,
    ) -> list[Variable]:
        """All variables of an instance with their scope (process instance or activity instance)."""
        # GET /variable-instance
        raw = self.transport.json(
            "GET",
            "/variable-instance",
            params={
                "processInstanceIdIn": instance_id,
                "variableName": name,
                "deserializeValues": deserialize,
                "sortBy": "variableName",
                "sortOrder": "asc",
                **_page(offset, limit),
            },
        )
        return [_variable(item) for item in raw or []]

    # --- process instances: bulk (batches) -----------------------------------------------------------------

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
        """A historic query goes to the historic-query-based endpoint, a runtime one to /delete."""
        body = _targets(ids, query)
        body.update(
            skipCustomListeners=skip_custom_listeners,
            skipIoMappings=skip_io_mappings,
            skipSubprocesses=skip_subprocesses,
        )
        if reason:
            body["deleteReason"] = reason
        if isinstance(query, HistoricProcessInstanceQuery):
            # POST /process-instance/delete-historic-query-based
            return self._one(Batch, "POST", "/process-instance/delete-historic-query-based", json=body)
        # POST /process-instance/delete
        return self._one(Batch, "POST", "/process-instance/delete", json=body)

    def set_instances_suspended_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        suspended: bool,
    ) -> Batch:
        # POST /process-instance/suspended-async
        return self._one(
            Batch,
            "POST",
            "/process-instance/suspended-async",
            json={**_targets(ids, query), "suspended": suspended},
        )

    def set_job_retries_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        retries: int,
        due_date: datetime | None = None,
    ) -> Batch:
        """Retries for the jobs of instances; a historic query uses the historic-query-based endpoint."""
        if retries < 0:
            raise ValueError("retries must not be negative")
        body = _targets(ids, query, ids_key="processInstances")
        body["retries"] = retries
        if due_date:
            body["dueDate"] = format_engine_date(due_date)
        if isinstance(query, HistoricProcessInstanceQuery):
            # POST /process-instance/job-retries-historic-query-based
            return self._one(Batch, "POST", "/process-instance/job-retries-historic-query-based", json=body)
        # POST /process-instance/job-retries
        return self._one(Batch, "POST", "/process-instance/job-retries", json=body)

    def set_variables_async(
        self,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | HistoricProcessInstanceQuery | None = None,
        *,
        variables: dict[str, TypedValue],
    ) -> Batch:
        if not variables:
            raise ValueError("name at least one variable to set")
        # POST /process-instance/variables-async
        body = {
            **_targets(ids, query),
            "variables": {name: encode(value) for name, value in variables.items()},
        }
        return self._one(Batch, "POST", "/process-instance/variables-async", json=body)

    # --- finished instances: restart and history deletion ---------------------------------------------------

    def _restart_body(
        self, restart: Restart, ids: Iterable[str] | None, query: HistoricProcessInstanceQuery | None
    ) -> dict[str, Any]:
        return {**_targets(ids, query), **restart_json(restart)}

    def restart_instances(
        self,
        definition_id: str,
        restart: Restart,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
    ) -> None:
        # POST /process-definition/{id}/restart
        self.transport.request(
            "POST",
            f"/process-definition/{_segment(definition_id)}/restart",
            json=self._restart_body(restart, ids, query),
        )

    def restart_instances_async(
        self,
        definition_id: str,
        restart: Restart,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
    ) -> Batch:
        # POST /process-definition/{id}/restart-async
        return self._one(
            Batch,
            "POST",
            f"/process-definition/{_segment(definition_id)}/restart-async",
            json=self._restart_body(restart, ids, query),
        )

    def delete_historic_instances_async(
        self,
        ids: Iterable[str] | None = None,
        query: HistoricProcessInstanceQuery | None = None,
        *,
        reason: str | None = None,
    ) -> Batch:
        body = _targets(ids, query, ids_key="historicProcessInstanceIds")
        body["failIfNotExists"] = False
        if reason:
            body["deleteReason"] = reason
        # POST /history/process-instance/delete
        return self._one(Batch, "POST", "/history/process-instance/delete", json=body)

    # --- modification of many instances -------------------------------------------------------------------

    def execute_modification_async(
        self,
        definition_id: str,
        modification: Modification,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
    ) -> Batch:
        # POST /modification/executeAsync
        return self._one(
            Batch,
            "POST",
            "/modification/executeAsync",
            json=_modification_body(definition_id, modification, ids, query),
        )

    # --- migration ----------------------------------------------------------------------------------------

    def generate_migration_plan(
        self,
        source_definition_id: str,
        target_definition_id: str,
        *,
        update_event_triggers: bool = False,
    ) -> MigrationPlan:
        # POST /migration/generate
        answer = self.transport.json(
            "POST",
            "/migration/generate",
            json={
                "sourceProcessDefinitionId": source_definition_id,
                "targetProcessDefinitionId": target_definition_id,
                "updateEventTriggers": update_event_triggers,
            },
            safe_to_repeat=True,
        )
        return self._read_migration(migration_plan_of, answer, "/migration/generate")

    def validate_migration_plan(self, plan: MigrationPlan) -> MigrationReport:
        # POST /migration/validate
        answer = self.transport.json(
            "POST", "/migration/validate", json=migration_plan_json(plan), safe_to_repeat=True
        )
        return self._read_migration(migration_report_of, answer, "/migration/validate")

    def migrate_instances(
        self,
        plan: MigrationPlan,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> None:
        # POST /migration/execute
        body = _migration_body(plan, ids, query, skip_custom_listeners, skip_io_mappings)
        self.transport.request("POST", "/migration/execute", json=body)

    def migrate_instances_async(
        self,
        plan: MigrationPlan,
        ids: Iterable[str] | None = None,
        query: ProcessInstanceQuery | None = None,
        *,
        skip_custom_listeners: bool = False,
        skip_io_mappings: bool = False,
    ) -> Batch:
        # POST /migration/executeAsync
        body = _migration_body(plan, ids, query, skip_custom_listeners, skip_io_mappings)
        return self._one(Batch, "POST", "/migration/executeAsync", json=body)

    def _read_migration(self, read: Callable[[Any], R], answer: Any, path: str) -> R:
        try:
            return read(answer)
        except (ValueError, TypeError, AttributeError) as error:
            raise UnreadableAnswer(f"POST {path}: {error}", engine=self.config.name) from None

    # --- incidents -----------------------------------------------------------------------------------------

    def list_incidents(
        self,
        *,
        sort: Sort | None = None,
        offset: int = 0,
        limit: int = 50,
        **filters: IncidentFilter,
    ) -> list[Incident]:
        # GET /incident
        params = _incident_filters(filters)
        return self._many(
            Incident, "GET", "/incident", params={**params, **_sort(sort), **_page(offset, limit)}
        )

    def count_incidents(self, **filters: IncidentFilter) -> int:
        # GET /incident/count
        return self._count("GET", "/incident/count", params=_incident_filters(filters))

    def count_historic_incidents(
        self, *, created_after: datetime | None = None, created_before: datetime | None = None
    ) -> int:
        params = {
            "createTimeAfter": format_engine_date(created_after) if created_after else None,
            "createTimeBefore": format_engine_date(created_before) if created_before else None,
        }
        # GET /history/incident/count
        return self._count("GET", "/history/incident/count", params=params)

    def get_incident(self, incident_id: str) -> Incident:
        # GET /incident/{id}
        return self._one(Incident, "GET", f"/incident/{_segment(incident_id)}")

    def set_incident_annotation(self, incident_id: str, annotation: str) -> None:
        # PUT /incident/{id}/annotation
        self.transport.request(
            "PUT", f"/incident/{_segment(incident_id)}/annotation", json={"annotation": annotation}
        )

    def clear_incident_annotation(self, incident_id: str) -> None:
        # DELETE /incident/{id}/annotation
        self.transport.request("DELETE", f"/incident/{_segment(incident_id)}/annotation")

    # --- jobs ----------------------------------------------------------------------------------------------

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
    ) -> list[Job]:
        definition = job_definition_id or self._batch_job_definition(batch_id)
        if batch_id and definition is None:
            return []
        # GET /job
        params = _job_filters(process_instance_id, with_exception, no_retries_left, definition)
        return self._many(Job, "GET", "/job", params={**params, **_sort(sort), **_page(offset, limit)})

    def count_jobs(
        self,
        *,
        process_instance_id: str | None = None,
        with_exception: bool | None = None,
        no_retries_left: bool | None = None,
        batch_id: str | None = None,
        job_definition_id: str | None = None,
    ) -> int:
        definition = job_definition_id or self._batch_job_definition(batch_id)
        if batch_id and definition is None:
            return 0
        # GET /job/count
        params = _job_filters(process_instance_id, with_exception, no_retries_left, definition)
        return self._count("GET", "/job/count", params=params)

    def _batch_job_definition(self, batch_id: str | None) -> str | None:
        """A batch's work jobs are those of its batch job definition (history keeps it once the batch
        is gone); None when no batch is named or the engine names no definition for it."""
        if not batch_id:
            return None
        return self.get_historic_batch(batch_id).batch_job_definition_id

    def get_job(self, job_id: str) -> Job:
        # GET /job/{id}
        return self._one(Job, "GET", f"/job/{_segment(job_id)}")

    def job_stacktrace(self, job_id: str) -> str:
        # GET /job/{id}/stacktrace
        return self.transport.request("GET", f"/job/{_segment(job_id)}/stacktrace", accept="*/*").text

    def set_job_retries(self, job_id: str, retries: int, *, due_date: datetime | None = None) -> None:
        if retries < 0:
            raise ValueError("retries must not be negative")
        body: dict[str, Any] = {"retries": retries}
        if due_date:
            body["dueDate"] = format_engine_date(due_date)
        # PUT /job/{id}/retries
        self.transport.request("PUT", f"/job/{_segment(job_id)}/retries", json=body)

    def set_jobs_retries_async(self, job_ids: Iterable[str], retries: int) -> Batch:
        if retries < 0:
            raise ValueError("retries must not be negative")
        ids = list(job_ids)
        if not ids:
            raise ValueError("name at least one job")
        # POST /job/retries
        return self._one(Batch, "POST", "/job/retries", json={"jobIds": ids, "retries": retries})

    # --- user tasks -----------------------------------------------------------------------------------------

    def list_user_tasks(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 50
    ) -> list[UserTask]:
        params = {"processInstanceId": process_instance_id, "sortBy": "created", "sortOrder": "asc"}
        # GET /task
        tasks = self._many(UserTask, "GET", "/task", params={**params, **_page(offset, limit)})
        return [self._with_candidates(task) for task in tasks]

    def get_user_task(self, task_id: str) -> UserTask:
        # GET /task/{id}
        return self._with_candidates(self._one(UserTask, "GET", f"/task/{_segment(task_id)}"))

    def _with_candidates(self, task: UserTask) -> UserTask:
        if task.unreadable:
            return task
        # GET /task/{id}/identity-links
        links = self.transport.json(
            "GET", f"/task/{_segment(task.id)}/identity-links", params={"type": "candidate"}
        )
        links = [link for link in links or [] if isinstance(link, dict)]
        users = tuple(link["userId"] for link in links if isinstance(link.get("userId"), str))
        groups = tuple(link["groupId"] for link in links if isinstance(link.get("groupId"), str))
        return task.model_copy(update={"candidate_users": users, "candidate_groups": groups})

    def set_task_assignee(self, task_id: str, assignee: str | None) -> None:
        # POST /task/{id}/assignee
        self.transport.request("POST", f"/task/{_segment(task_id)}/assignee", json={"userId": assignee})

    def add_candidate_group(self, task_id: str, group_id: str) -> None:
        # POST /task/{id}/identity-links
        body = {"groupId": group_id, "type": "candidate"}
        self.transport.request("POST", f"/task/{_segment(task_id)}/identity-links", json=body)

    def remove_candidate_group(self, task_id: str, group_id: str) -> None:
        # POST /task/{id}/identity-links/delete
        body = {"groupId": group_id, "type": "candidate"}
        self.transport.request("POST", f"/task/{_segment(task_id)}/identity-links/delete", json=body)

    # --- external tasks -------------------------------------------------------------------------------------

    def list_external_tasks(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 50
    ) -> list[ExternalTask]:
        params = {"processInstanceId": process_instance_id, "sortBy": "id", "sortOrder": "asc"}
        # GET /external-task
        return self._many(ExternalTask, "GET", "/external-task", params={**params, **_page(offset, limit)})

    def get_external_task(self, task_id: str) -> ExternalTask:
        # GET /external-task/{id}
        return self._one(ExternalTask, "GET", f"/external-task/{_segment(task_id)}")

    def external_task_error_details(self, task_id: str) -> str:
        # GET /external-task/{id}/errorDetails
        path = f"/external-task/{_segment(task_id)}/errorDetails"
        return self.transport.request("GET", path, accept="*/*").text

    def set_external_task_retries(self, task_id: str, retries: int) -> None:
        if retries < 0:
            raise ValueError("retries must not be negative")
        # PUT /external-task/{id}/retries
        self.transport.request(
            "PUT", f"/external-task/{_segment(task_id)}/retries", json={"retries": retries}
        )

    def unlock_external_task(self, task_id: str) -> None:
        # POST /external-task/{id}/unlock
        self.transport.request("POST", f"/external-task/{_segment(task_id)}/unlock")

    # --- job due dates, running a job now ------------------------------------------------------------------

    def set_job_due_date(self, job_id: str, due_date: datetime) -> None:
        body = {"duedate": format_engine_date(due_date), "cascade": False}
        # PUT /job/{id}/duedate
        self.transport.request("PUT", f"/job/{_segment(job_id)}/duedate", json=body)

    def recalculate_job_due_date(self, job_id: str, *, from_creation: bool = False) -> None:
        params = {"creationDateBased": "true" if from_creation else "false"}
        # POST /job/{id}/duedate/recalculate
        self.transport.request("POST", f"/job/{_segment(job_id)}/duedate/recalculate", params=params)

    def execute_job(self, job_id: str) -> None:
        # POST /job/{id}/execute
        self.transport.request("POST", f"/job/{_segment(job_id)}/execute")

    # --- job definitions ------------------------------------------------------------------------------------

    def list_job_definitions(
        self, *, process_definition_id: str, offset: int = 0, limit: int = 50
    ) -> list[JobDefinition]:
        params = {"processDefinitionId": process_definition_id, "sortBy": "activityId", "sortOrder": "asc"}
        # GET /job-definition
        return self._many(JobDefinition, "GET", "/job-definition", params={**params, **_page(offset, limit)})

    def get_job_definition(self, job_definition_id: str) -> JobDefinition:
        # GET /job-definition/{id}
        return self._one(JobDefinition, "GET", f"/job-definition/{_segment(job_definition_id)}")

    def set_job_definition_suspended(
        self, job_definition_id: str, *, suspended: bool, include_jobs: bool = False
    ) -> None:
        body = {"suspended": suspended, "includeJobs": include_jobs}
        # PUT /job-definition/{id}/suspended
        self.transport.request("PUT", f"/job-definition/{_segment(job_definition_id)}/suspended", json=body)

    def set_job_definition_priority(
        self, job_definition_id: str, priority: int | None, *, include_jobs: bool = False
    ) -> None:
        body = {"priority": priority, "includeJobs": include_jobs}
        # PUT /job-definition/{id}/jobPriority
        self.transport.request("PUT", f"/job-definition/{_segment(job_definition_id)}/jobPriority", json=body)

    # --- batches --------------------------------------------------------------------------------------------

    def count_batches(self) -> int:
        # GET /batch/count
        return self._count("GET", "/batch/count")

    def batch_statistics(
        self, *, batch_id: str | None = None, sort: Sort | None = None, offset: int = 0, limit: int = 50
    ) -> list[BatchStatistics]:
        # GET /batch/statistics
        params: dict[str, Any] = {"batchId": batch_id, **_sort(sort), **_page(offset, limit)}
        return self._many(BatchStatistics, "GET", "/batch/statistics", params=params)

    def get_batch(self, batch_id: str) -> Batch:
        # GET /batch/{id}
        return self._one(Batch, "GET", f"/batch/{_segment(batch_id)}")

    def set_batch_suspended(self, batch_id: str, *, suspended: bool) -> None:
        # PUT /batch/{id}/suspended
        self.transport.request("PUT", f"/batch/{_segment(batch_id)}/suspended", json={"suspended": suspended})

    def delete_batch(self, batch_id: str, *, cascade: bool = False) -> None:
        # DELETE /batch/{id}
        self.transport.request("DELETE", f"/batch/{_segment(batch_id)}", params={"cascade": cascade})

    def get_historic_batch(self, batch_id: str) -> HistoricBatch:
        # GET /history/batch/{id}
        return self._one(HistoricBatch, "GET", f"/history/batch/{_segment(batch_id)}")

    # --- history -------------------------------------------------------------------------------------------

    def list_historic_instances(
        self, query: HistoricProcessInstanceQuery | None = None, *, offset: int = 0, limit: int = 50
    ) -> list[HistoricProcessInstance]:
        # POST /history/process-instance
        return self._query(
            HistoricProcessInstance,
            "/history/process-instance",
            query or HistoricProcessInstanceQuery(),
            offset,
            limit,
        )

    def count_historic_instances(self, query: HistoricProcessInstanceQuery | None = None) -> int:
        # POST /history/process-instance/count
        return self._query_count("/history/process-instance/count", query or HistoricProcessInstanceQuery())

    def get_historic_instance(self, instance_id: str) -> HistoricProcessInstance:
        # GET /history/process-instance/{id}
        return self._one(HistoricProcessInstance, "GET", f"/history/process-instance/{_segment(instance_id)}")

    def historic_activity_instances(
        self,
        process_instance_id: str,
        *,
        finished: bool | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[HistoricActivityInstance]:
        # GET /history/activity-instance; the engine reads finished=false as "no filter", so
        # unfinished ones are asked for with unfinished=true.
        params = {
            "processInstanceId": process_instance_id,
            "finished": True if finished else None,
            "unfinished": True if finished is False else None,
            "sortBy": "startTime",
            "sortOrder": "asc",
            **_page(offset, limit),
        }
        return self._many(HistoricActivityInstance, "GET", "/history/activity-instance", params=params)

    def historic_activity_statistics(
        self, definition_id: str, *, started_after: datetime | None = None
    ) -> list[HistoricActivityStatistics]:
        # GET /history/process-definition/{id}/statistics
        params = {
            "finished": True,
            "canceled": True,
            "startedAfter": format_engine_date(started_after) if started_after else None,
        }
        return self._many(
            HistoricActivityStatistics,
            "GET",
            f"/history/process-definition/{_segment(definition_id)}/statistics",
            params=params,
        )

    def find_historic_activity_instances(
        self, query: HistoricActivityInstanceQuery, *, offset: int = 0, limit: int = 50
    ) -> list[HistoricActivityInstance]:
        # GET /history/activity-instance
        params = historic_activity_params(query) | historic_activity_order(query) | _page(offset, limit)
        return self._many(HistoricActivityInstance, "GET", "/history/activity-instance", params=params)

    def count_historic_activity_instances(self, query: HistoricActivityInstanceQuery) -> int:
        # GET /history/activity-instance/count
        return self._count("GET", "/history/activity-instance/count", params=historic_activity_params(query))

    def historic_variables(
        self, process_instance_id: str, *, offset: int = 0, limit: int = 200
    ) -> list[HistoricVariable]:
        # GET /history/variable-instance
        params = {
            "processInstanceId": process_instance_id,
            "deserializeValues": False,
            "sortBy": "variableName",
            "sortOrder": "asc",
            **_page(offset, limit),
        }
        return self._many(HistoricVariable, "GET", "/history/variable-instance", params=params)

    def user_operations(
        self,
        *,
        process_instance_id: str | None = None,
        batch_id: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[UserOperation]:
        # GET /history/user-operation
        params = {
            "processInstanceId": process_instance_id,
            "batchId": batch_id,
            "sortBy": "timestamp",
            "sortOrder": "desc",
            **_page(offset, limit),
        }
        return self._many(UserOperation, "GET", "/history/user-operation", params=params)


def _definition_filters(
    key: str | None,
    key_like: str | None,
    name_like: str | None,
    latest_version: bool | None,
    suspended: bool | None,
    tenant_ids: Iterable[str],
) -> dict[str, Any]:
    return {
        "key": key,
        "keyLike": key_like,
        "nameLike": name_like,
        "latestVersion": latest_version,
        "suspended": suspended,
        "tenantIdIn": list(tenant_ids) or None,
    }


# The incident query's filters: keyword name -> the engine's parameter.
INCIDENT_PARAMETERS = {
    "process_instance_id": "processInstanceId",
    "process_definition_id": "processDefinitionId",
    "process_definition_keys": "processDefinitionKeyIn",
    "incident_type": "incidentType",
    "incident_message": "incidentMessage",
    "incident_message_like": "incidentMessageLike",
    "activity_id": "activityId",
    "tenant_ids": "tenantIdIn",
}


def _incident_filters(filters: dict[str, Any]) -> dict[str, Any]:
    unknown = set(filters) - set(INCIDENT_PARAMETERS)
    if unknown:
        raise TypeError(f"unknown incident filters: {', '.join(sorted(unknown))}")
    params = {}
    for name, value in filters.items():
        if isinstance(value, list | tuple):
            value = list(value) or None
        params[INCIDENT_PARAMETERS[name]] = value
    return params


def _job_filters(
    process_instance_id: str | None,
    with_exception: bool | None,
    no_retries_left: bool | None,
    job_definition_id: str | None = None,
) -> dict[str, Any]:
    return {
        "processInstanceId": process_instance_id,
        "jobDefinitionId": job_definition_id,
        "withException": with_exception,
        # False asks for those with retries left: the engine reads noRetriesLeft=false as no filter.
        "noRetriesLeft": True if no_retries_left else None,
        "withRetriesLeft": True if no_retries_left is False else None,
    }


def _modification_body(
    definition_id: str,
    modification: Modification,
    ids: Iterable[str] | None,
    query: ProcessInstanceQuery | None,
) -> dict[str, Any]:
    for instruction in modification.instructions:
        if not instruction.applies_to_many:
            raise ValueError(
                "instructions for many instances name activities or sequence flows only: "
                "activity instances, ancestors and variables belong to one instance"
            )
    return {"processDefinitionId": definition_id, **modification_json(modification), **_targets(ids, query)}


def _migration_body(
    plan: MigrationPlan,
    ids: Iterable[str] | None,
    query: ProcessInstanceQuery | None,
    skip_custom_listeners: bool,
    skip_io_mappings: bool,
) -> dict[str, Any]:
    return {
        "migrationPlan": migration_plan_json(plan),
        **_targets(ids, query),
        "skipCustomListeners": skip_custom_listeners,
        "skipIoMappings": skip_io_mappings,
    }


def _variable(item: Any) -> Variable:
    """A variable instance; one without a name or of a value the codec cannot read comes unreadable."""
    if not isinstance(item, dict):
        item = {"value": item}
    name = item.get("name")

    def text(key: str) -> str | None:
        value = item.get(key)
        # Ids go into the dashboard's URLs as one segment each: one that cannot is no id (read-only).
        return value if isinstance(value, str) and value and "/" not in value else None

    value = decode(item)
    if not isinstance(name, str):
        value = replace(value, value=to_text(value), unreadable=value.unreadable or "the engine sent no name")
    return Variable(
        name=name if isinstance(name, str) else "",
        value=value,
        id=text("id"),
        process_instance_id=text("processInstanceId"),
        activity_instance_id=text("activityInstanceId"),
        execution_id=text("executionId"),
        error_message=text("errorMessage"),
    )


def _refusal(error: ValidationError) -> str:
    """What in an answer could not be read, short enough for a banner or a cell."""
    problems = [
        f"{'.'.join(str(part) for part in problem['loc']) or 'the answer'}: {problem['msg']}"
        for problem in error.errors()[:3]
    ]
    more = error.error_count() - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def _filename_of(disposition: str) -> str:
    if not disposition:
        return ""
    message = Message()
    message["Content-Disposition"] = disposition
    return message.get_filename() or ""
