"""One process instance: header and actions, diagram, activity instance tree, and its tabs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from audit.log import audited
from audit.models import AuditEntry, with_target
from batches.kinds import KINDS
from batches.models import Operation, OperationItem
from cockpit.engines import engine_scoped
from engines.errors import EngineError, NotFound
from incidents import actions as incident_actions
from instances import detail
from instances.variables import shown

PAGE = "instances/detail.html"


def _tab_context(request: HttpRequest, instance_id: str, tab: str, loaded: detail.Loaded) -> dict:
    """What a tab's partial draws, narrowed to the chosen activity (?activity=) where one is chosen."""
    activity = request.GET.get("activity", "").strip()
    tree = loaded.tree
    scopes, executions = detail.activity_scopes(tree, activity) if (tree and activity) else (set(), set())
    names = {node.id: node.activity_name or node.activity_id for node in tree.walk()} if tree else {}
    context = {
        "instance_id": instance_id,
        "tab": tab,
        "tab_label": detail.TABS[tab],
        "tabs": detail.TABS,
        "activity": activity,
        "per_tab": detail.PER_TAB,
        "can_operate": request.user.has_perm(Perm.OPERATE),
        "can_edit": request.user.has_perm(Perm.EDIT_VARIABLES),
        # A tab whose engine calls failed says so in its panel; the rest of the page stays usable.
        "tab_error": loaded.failure(*detail.tab_calls(request.engine, instance_id, tab)),
    }
    if tab == "variables":
        variables = loaded["variables"] or []
        ended = tree is None and not loaded.failure("tree")
        if ended and not variables and not context["tab_error"]:
            try:
                variables = detail.ended_variables(request.engine, instance_id)
            except EngineError as error:
                context["tab_error"] = error
        if activity:
            variables = [v for v in variables if v.is_local and v.activity_instance_id in scopes]
        context["variables"] = shown(variables, names)
        context["running"] = not ended
    elif tab == "incidents":
        incidents = loaded["incidents"] or []
        if activity:
            incidents = [i for i in incidents if activity in (i.activity_id, i.failed_activity_id)]
        context["incidents"] = incidents
        context["instance_suspended"] = bool(loaded["instance"] and loaded["instance"].suspended)
        annotate = KINDS["incident_annotate"]  # as on the incident list: no note where the engine keeps none
        if not annotate.available(request.engine.capabilities):
            context["annotation_missing"] = annotate.missing
    elif tab == "called":
        context["called"] = loaded["called"] or []
    elif tab == "jobs":
        jobs = loaded["jobs"] or []
        jobs = [j for j in jobs if j.execution_id in executions] if activity else jobs
        context["jobs"] = detail.job_rows(jobs, tree, timezone.now())
    elif tab == "history":
        activities = loaded["activities"] or []
        context["activities"] = (
            [a for a in activities if a.activity_id == activity] if activity else activities
        )
        context["operations"] = loaded["operations"] or []
        context["recorded"] = recorded_here(request.engine.config.name, instance_id)
    context["limit_reached"] = any(
        isinstance(value, list) and len(value) >= detail.PER_TAB for value in loaded.results.values()
    )
    return context


RECENT_OPERATIONS = 200  # the dashboard's latest operations looked through for this instance's id


def recorded_here(engine: str, instance_id: str) -> list[dict]:
    """What this dashboard's audit log and operations know was done to the instance, newest first: the
    engine logs a batch's work against the batch, so its own log misses bulk actions."""
    entries = with_target(AuditEntry.objects.filter(engine=engine), instance_id)[: detail.PER_TAB]
    rows = [{"at": e.at, "who": e.username, "what": e.action, "outcome": e.outcome} for e in entries]
    named = OperationItem.objects.filter(operation__engine=engine, target=instance_id).values_list(
        "operation_id", flat=True
    )
    operations = {op.pk: op for op in Operation.objects.filter(pk__in=list(named[: detail.PER_TAB]))}
    for op in Operation.objects.filter(engine=engine)[:RECENT_OPERATIONS]:  # by id in an engine batch
        if instance_id in (op.parameters or {}).get("ids", []):
            operations[op.pk] = op
    rows += [
        {
            "at": op.created_at,
            "who": op.username,
            "what": op.get_kind_display(),
            "outcome": op.state,
            "operation": op,
        }
        for op in operations.values()
    ]
    return sorted(rows, key=lambda row: row["at"], reverse=True)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def instance_detail(request: HttpRequest, instance_id: str, tab: str = "variables") -> HttpResponse:
    """The whole page with the named tab open; an htmx request for the tab panel gets just the tab."""
    if tab not in detail.TABS:
        raise Http404(f"No tab named {tab!r}.")
    if request.htmx and request.htmx.target == "instance-facts":  # redrawn after a change
        loaded = detail.load(request.engine, instance_id, tab=None, with_overview=True)
        context = {"instance_id": instance_id, "overview": loaded.overview}
        context["can_operate"] = request.user.has_perm(Perm.OPERATE)
        return render(request, f"{PAGE}#facts", context)
    panel_only = request.htmx and request.htmx.target == "tab-panel"
    loaded = detail.load(request.engine, instance_id, tab=tab, with_overview=not panel_only)
    context = _tab_context(request, instance_id, tab, loaded)
    if panel_only:
        return render(request, f"{PAGE}#tab-panel", context)
    context.update(
        overview=loaded.overview,
        nodes=detail.tree_nodes(loaded.tree) if loaded.tree else None,
        tree_error=loaded.failure("tree"),
    )
    return render(request, PAGE, context)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def instance_tree(request: HttpRequest, instance_id: str) -> HttpResponse:
    """The activity instance tree alone, drawn again after something changed the instance."""
    nodes, tree_error = None, None
    try:
        # GET /process-instance/{id}/activity-instances
        nodes = detail.tree_nodes(request.engine.activity_instance_tree(instance_id))
    except NotFound:  # it has ended meanwhile
        pass
    except EngineError as error:  # the tree's own message, in the tree's place
        tree_error = error
    context = {
        "nodes": nodes,
        "tree_error": tree_error,
        "activity": request.GET.get("activity", ""),
        "instance_id": instance_id,
    }
    return render(request, f"{PAGE}#activity-tree", context)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def diagram_state(request: HttpRequest, instance_id: str) -> JsonResponse:
    """Tokens, incidents and the path taken, for the diagram's markers (read again after every change)."""
    running = request.GET.get("ended") != "1"
    return JsonResponse(detail.diagram_state(request.engine, instance_id, running=running).as_json())


# --- actions ------------------------------------------------------------------------------------------


class DeleteForm(forms.Form):
    reason = forms.CharField(max_length=4000, required=True, widget=forms.Textarea(attrs={"rows": 2}))
    skip_custom_listeners = forms.BooleanField(required=False, label="Skip custom listeners")
    skip_io_mappings = forms.BooleanField(required=False, label="Skip input/output mappings")
    skip_subprocesses = forms.BooleanField(required=False, label="Skip subprocesses (keep called instances)")


def instance_changed(response: HttpResponse) -> HttpResponse:
    """Tell the page that the instance changed: the diagram, the tree and the header redraw."""
    response["HX-Trigger"] = "instance-changed"
    return response


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def instance_suspend(request: HttpRequest, instance_id: str) -> HttpResponse:
    suspend = request.POST.get("suspended") == "true"
    with audited(
        user=request.user,
        engine=request.engine.config.name,
        action="instance.suspend" if suspend else "instance.activate",
        target_type="process_instance",
        target_id=instance_id,
    ):
        # PUT /process-instance/{id}/suspended
        request.engine.set_instance_suspended(instance_id, suspended=suspend)
    messages.success(request, "Instance suspended." if suspend else "Instance activated.")
    return redirect("instance_detail", engine=request.engine.config.name, instance_id=instance_id)


@require_http_methods(["GET", "POST"])
@requires(Perm.OPERATE)
@engine_scoped
def instance_delete(request: HttpRequest, instance_id: str) -> HttpResponse:
    """GET asks for the reason and the options; POST deletes, audited with them."""
    form = DeleteForm(request.POST or None)
    context = {"form": form, "instance_id": instance_id}
    if request.method == "GET" or not form.is_valid():
        return render(
            request, "instances/delete.html", context, status=200 if request.method == "GET" else 400
        )
    options = {
        name: form.cleaned_data[name]
        for name in ("skip_custom_listeners", "skip_io_mappings", "skip_subprocesses")
    }
    with audited(
        user=request.user,
        engine=request.engine.config.name,
        action="instance.delete",
        target_type="process_instance",
        target_id=instance_id,
        parameters={"reason": form.cleaned_data["reason"], **options},
    ):
        # DELETE /process-instance/{id}
        request.engine.delete_instance(instance_id, **options)
    messages.success(request, f"Process instance {instance_id} deleted.")
    return redirect(reverse("instance_list", args=[request.engine.config.name]))


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def instance_retry_incidents(request: HttpRequest, instance_id: str) -> HttpResponse:
    """Retry every incident of the instance at once; the incidents tab is drawn again with the outcome."""
    # GET /incident
    incidents = request.engine.list_incidents(process_instance_id=instance_id, limit=detail.PER_TAB)
    outcome = incident_actions.retry(
        request.engine, user=request.user, incidents=incidents, target_id=instance_id
    )
    loaded = detail.load(request.engine, instance_id, tab="incidents", with_overview=False)
    context = {**_tab_context(request, instance_id, "incidents", loaded), "retried": outcome}
    return instance_changed(render(request, f"{PAGE}#tab-panel", context))
