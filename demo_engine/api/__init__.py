"""The endpoints, routed by method and path. Each handler takes the store, the request and path parameters.

Paths follow the Camunda 7.22 engine REST API; literal paths come before templated ones so
that, say, /process-instance/count is never read as an instance id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from demo_engine.api import (
    batches,
    definitions,
    deployments,
    external_tasks,
    history,
    incidents,
    instances,
    jobs,
    migration,
    tasks,
    variables,
)
from demo_engine.api.common import Raw, Request
from demo_engine.errors import RestError
from demo_engine.store import Store

__all__ = ["ROUTES", "Raw", "Request", "resolve"]
VERSION = "7.22.0"


def version(store: Store, request: Request, **_: Any) -> dict:
    return {"version": VERSION}


def engines(store: Store, request: Request, **_: Any) -> list:
    return [{"name": "default"}]


Handler = Callable[..., Any]
ID = r"(?P<id>[^/]+)"
NAME = r"(?P<name>[^/]+)"

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", r"/version", version),
    ("GET", r"/engine", engines),
    # deployments
    ("GET", r"/deployment", deployments.list_deployments),
    ("GET", r"/deployment/count", deployments.count_deployments),
    ("GET", rf"/deployment/{ID}", deployments.get_deployment),
    ("DELETE", rf"/deployment/{ID}", deployments.delete_deployment),
    ("GET", rf"/deployment/{ID}/resources", deployments.deployment_resources),
    ("GET", rf"/deployment/{ID}/resources/(?P<rid>[^/]+)/data", deployments.resource_data),
    # process definitions
    ("GET", r"/process-definition", definitions.list_definitions),
    ("GET", r"/process-definition/count", definitions.count_definitions),
    ("GET", r"/process-definition/statistics", definitions.definition_statistics),
    ("PUT", r"/process-definition/suspended", definitions.suspend_definitions_by_key),
    ("GET", r"/process-definition/key/(?P<key>[^/]+)", definitions.get_definition_by_key),
    ("PUT", r"/process-definition/key/(?P<key>[^/]+)/suspended", definitions.suspend_definitions_by_key),
    (
        "GET",
        r"/process-definition/key/(?P<key>[^/]+)/tenant-id/(?P<tenant>[^/]+)",
        definitions.get_definition_by_key,
    ),
    ("GET", rf"/process-definition/{ID}", definitions.get_definition),
    ("GET", rf"/process-definition/{ID}/xml", definitions.definition_xml),
    ("GET", rf"/process-definition/{ID}/statistics", definitions.activity_statistics),
    (
        "GET",
        rf"/process-definition/{ID}/static-called-process-definitions",
        definitions.static_called_definitions,
    ),
    ("PUT", rf"/process-definition/{ID}/suspended", definitions.suspend_definition),
    ("POST", rf"/process-definition/{ID}/restart", instances.restart_instances),
    ("POST", rf"/process-definition/{ID}/restart-async", instances.restart_instances_async),
    # process instances
    ("GET", r"/process-instance", instances.list_instances),
    ("POST", r"/process-instance", instances.query_instances),
    ("GET", r"/process-instance/count", instances.count_instances),
    ("POST", r"/process-instance/count", instances.query_count_instances),
    ("POST", r"/process-instance/delete", instances.delete_instances_async),
    ("POST", r"/process-instance/delete-historic-query-based", instances.delete_instances_async_historic),
    ("PUT", r"/process-instance/suspended", instances.suspend_instances),
    ("POST", r"/process-instance/suspended-async", instances.suspend_instances_async),
    ("POST", r"/process-instance/job-retries", instances.job_retries_async),
    ("POST", r"/process-instance/job-retries-historic-query-based", instances.job_retries_async),
    ("POST", r"/process-instance/variables-async", instances.variables_async),
    ("GET", rf"/process-instance/{ID}", instances.get_instance),
    ("DELETE", rf"/process-instance/{ID}", instances.delete_instance),
    ("GET", rf"/process-instance/{ID}/activity-instances", instances.activity_instance_tree),
    ("PUT", rf"/process-instance/{ID}/suspended", instances.suspend_instance),
    ("POST", rf"/process-instance/{ID}/modification", instances.modify_instance),
    ("POST", rf"/process-instance/{ID}/modification-async", instances.modify_instance_async),
    ("GET", rf"/process-instance/{ID}/variables", variables.instance_variables),
    ("POST", rf"/process-instance/{ID}/variables", variables.modify_variables),
    ("GET", rf"/process-instance/{ID}/variables/{NAME}", variables.get_variable),
    ("PUT", rf"/process-instance/{ID}/variables/{NAME}", variables.put_variable),
    ("DELETE", rf"/process-instance/{ID}/variables/{NAME}", variables.delete_variable),
    ("GET", rf"/process-instance/{ID}/variables/{NAME}/data", variables.variable_data),
    ("POST", rf"/process-instance/{ID}/variables/{NAME}/data", variables.set_variable_data),
    ("GET", r"/variable-instance", variables.list_variable_instances),
    ("GET", r"/variable-instance/count", variables.count_variable_instances),
    ("GET", rf"/variable-instance/{ID}", variables.get_variable_instance),
    ("GET", rf"/variable-instance/{ID}/data", variables.variable_instance_data),
    ("PUT", rf"/execution/{ID}/localVariables/{NAME}", variables.put_local_variable),
    ("DELETE", rf"/execution/{ID}/localVariables/{NAME}", variables.delete_local_variable),
    ("POST", rf"/execution/{ID}/localVariables/{NAME}/data", variables.set_local_variable_data),
    # modification of many instances
    ("POST", r"/modification/execute", instances.execute_modification),
    ("POST", r"/modification/executeAsync", instances.execute_modification_async),
    # migration between definitions
    ("POST", r"/migration/generate", migration.generate),
    ("POST", r"/migration/validate", migration.validate),
    ("POST", r"/migration/execute", migration.execute),
    ("POST", r"/migration/executeAsync", migration.execute_async),
    # incidents and jobs
    ("GET", r"/incident", incidents.list_incidents),
    ("GET", r"/incident/count", incidents.count_incidents),
    ("GET", rf"/incident/{ID}", incidents.get_incident),
    ("PUT", rf"/incident/{ID}/annotation", incidents.set_annotation),
    ("DELETE", rf"/incident/{ID}/annotation", incidents.clear_annotation),
    ("GET", r"/job", incidents.list_jobs),
    ("GET", r"/job/count", incidents.count_jobs),
    ("POST", r"/job/retries", incidents.set_jobs_retries_async),
    ("GET", rf"/job/{ID}", incidents.get_job),
    ("GET", rf"/job/{ID}/stacktrace", incidents.job_stacktrace),
    ("PUT", rf"/job/{ID}/retries", incidents.set_job_retries),
    ("POST", rf"/job/{ID}/execute", incidents.execute_job),
    # user tasks
    ("GET", r"/task", tasks.list_tasks),
    ("GET", rf"/task/{ID}", tasks.get_task),
    ("POST", rf"/task/{ID}/assignee", tasks.set_assignee),
    ("GET", rf"/task/{ID}/identity-links", tasks.identity_links),
    ("POST", rf"/task/{ID}/identity-links", tasks.add_identity_link),
    ("POST", rf"/task/{ID}/identity-links/delete", tasks.delete_identity_link),
    # external tasks
    ("GET", r"/external-task", external_tasks.list_external_tasks),
    ("GET", rf"/external-task/{ID}", external_tasks.get_external_task),
    ("GET", rf"/external-task/{ID}/errorDetails", external_tasks.error_details),
    ("PUT", rf"/external-task/{ID}/retries", external_tasks.set_retries),
    ("POST", rf"/external-task/{ID}/unlock", external_tasks.unlock),
    # job due dates and job definitions
    ("PUT", rf"/job/{ID}/duedate", jobs.set_due_date),
    ("POST", rf"/job/{ID}/duedate/recalculate", jobs.recalculate_due_date),
    ("GET", r"/job-definition", jobs.list_job_definitions),
    ("GET", rf"/job-definition/{ID}", jobs.get_job_definition),
    ("PUT", rf"/job-definition/{ID}/suspended", jobs.suspend_job_definition),
    ("PUT", rf"/job-definition/{ID}/jobPriority", jobs.set_job_priority),
    # batches
    ("GET", r"/batch", batches.list_batches),
    ("GET", r"/batch/count", batches.count_batches),
    ("GET", r"/batch/statistics", batches.batch_statistics),
    ("GET", r"/batch/statistics/count", batches.count_batches),
    ("GET", rf"/batch/{ID}", batches.get_batch),
    ("PUT", rf"/batch/{ID}/suspended", batches.suspend_batch),
    ("DELETE", rf"/batch/{ID}", batches.delete_batch),
    # history
    ("GET", r"/history/process-instance", history.list_historic_instances),
    ("POST", r"/history/process-instance", history.query_historic_instances),
    ("GET", r"/history/process-instance/count", history.count_historic_instances),
    ("GET", r"/history/incident/count", history.count_historic_incidents),
    ("POST", r"/history/process-instance/count", history.query_count_historic_instances),
    ("POST", r"/history/process-instance/delete", instances.delete_historic_instances),
    ("GET", rf"/history/process-instance/{ID}", history.get_historic_instance),
    ("GET", rf"/history/process-definition/{ID}/statistics", history.historic_activity_statistics),
    ("GET", r"/history/activity-instance", history.list_historic_activities),
    ("GET", r"/history/activity-instance/count", history.count_historic_activities),
    ("GET", r"/history/variable-instance", history.list_historic_variables),
    ("GET", r"/history/variable-instance/count", history.count_historic_variables),
    ("GET", r"/history/user-operation", history.list_user_operations),
    ("GET", r"/history/user-operation/count", history.count_user_operations),
    ("GET", r"/history/batch", history.list_historic_batches),
    ("GET", r"/history/batch/count", history.count_historic_batches),
    ("GET", rf"/history/batch/{ID}", history.get_historic_batch),
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
