"""Deployments: the list, one deployment with its resources and definitions, and deleting one (Admin only)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import requires
from accounts.roles import Perm
from audit.log import audited
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.paging import engine_table
from deployments.tables import DeploymentTable
from engines.base import EngineClient
from engines.errors import EngineResponseError
from engines.queries import ProcessInstanceQuery, containing


class DeploymentFilterForm(forms.Form):
    name = forms.CharField(required=False, max_length=200, label="Name contains")


class DeleteDeploymentForm(forms.Form):
    cascade = forms.BooleanField(
        required=False, label="Cascade: cancel its running instances and remove their history"
    )
    skip_custom_listeners = forms.BooleanField(required=False, label="Skip custom listeners")
    skip_io_mappings = forms.BooleanField(required=False, label="Skip input/output mappings")


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def deployment_list(request: EngineRequest) -> HttpResponse:
    form = DeploymentFilterForm(request.GET)
    name = form.cleaned_data["name"] if form.is_valid() else ""

    def fetch(sort, offset, limit):
        return request.engine.list_deployments(
            name_like=containing(name) if name else None, sort=sort, offset=offset, limit=limit
        )

    table, page = engine_table(request, DeploymentTable, fetch, default_sort="-deployment_time")
    context = {"form": form, "table": table, "page": page}
    template = "deployments/list.html#results" if request.htmx else "deployments/list.html"
    return render(request, template, context)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def deployment_detail(request: EngineRequest, deployment_id: str) -> HttpResponse:
    deployment = request.engine.get_deployment(deployment_id)
    resources = request.engine.deployment_resources(deployment_id)
    diagrams = [r for r in resources if r.is_bpmn and not r.unreadable]
    # One preview at a time (the viewer draws one diagram): the chosen BPMN file, else the first.
    shown = next(
        (r for r in diagrams if r.id == request.GET.get("resource")), diagrams[0] if diagrams else None
    )
    context = {
        "deployment": deployment,
        "resources": resources,
        "diagrams": diagrams,
        "shown": shown,
        "definitions": request.engine.deployment_definitions(deployment_id),
        "can_delete": request.user.has_perm(Perm.MANAGE_DEPLOYMENTS),
        "diagram_script": "js/instance.js",
    }
    return render(request, "deployments/detail.html", context)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def deployment_diagram(request: EngineRequest, deployment_id: str, resource_id: str) -> HttpResponse:
    """A BPMN file of the deployment, for the preview; only the deployment's own BPMN files are served."""
    resources = request.engine.deployment_resources(deployment_id)
    if not any(r.id == resource_id and r.is_bpmn for r in resources):
        raise Http404("The deployment holds no such BPMN file.")
    content = request.engine.deployment_resource_data(deployment_id, resource_id)
    response = HttpResponse(content.data, content_type="application/xml; charset=utf-8")
    # Never rendered as a page of ours: only the viewer's fetch reads it.
    response["Content-Disposition"] = "attachment"
    response["Cache-Control"] = "private, max-age=3600"  # a deployed file never changes
    return response


def running_instances(engine: EngineClient, deployment_id: str) -> int:
    """How many running instances cascading would cancel: those of every definition it deployed."""
    return sum(
        engine.count_instances(ProcessInstanceQuery(process_definition_id=definition.id))
        for definition in engine.deployment_definitions(deployment_id)
    )


@require_http_methods(["GET", "POST"])
@requires(Perm.MANAGE_DEPLOYMENTS)
@engine_scoped
def deployment_delete(request: EngineRequest, deployment_id: str) -> HttpResponse:
    """GET confirms with the count of running instances it would remove; POST deletes, audited."""
    deployment = request.engine.get_deployment(deployment_id)
    running = running_instances(request.engine, deployment_id)
    form = DeleteDeploymentForm(request.POST if request.method == "POST" else None)
    context = {"deployment": deployment, "running": running, "form": form}
    if request.method == "GET" or not form.is_valid():
        return render(
            request, "deployments/delete.html", context, status=200 if request.method == "GET" else 400
        )
    # The skip options only where the engine has them: the page offers them nowhere else.
    skipping = request.engine.capabilities.skip_options
    options = {
        "cascade": form.cleaned_data["cascade"],
        **{
            name: skipping and form.cleaned_data[name]
            for name in ("skip_custom_listeners", "skip_io_mappings")
        },
    }
    try:
        with audited(
            user=request.user,
            engine=request.engine_name,
            action="deployment.delete",
            target_type="deployment",
            target_id=deployment_id,
            parameters={**options, "running_instances": running},
        ):
            request.engine.delete_deployment(deployment_id, **options)
    except EngineResponseError as refusal:
        # Instances still running without cascade, most often: the engine's own words, nothing changed.
        context["refusal"] = refusal
        return render(request, "deployments/delete.html", context, status=409)
    removed = f", with its {running} running instance{'' if running == 1 else 's'}" if running else ""
    messages.success(request, f"Deployment {deployment.title} deleted{removed}.")
    return redirect("deployment_list", engine=request.engine_name)
