"""One process instance: header and actions, diagram, activity instance tree, and its tabs."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from audit.log import audited
from cockpit.engines import EngineRequest, engine_scoped
from engines.errors import EngineError, NotFound
from incidents import actions as incident_actions
from instances import detail
from instances.tabs import TABS, Tab, TabData

PAGE = "instances/detail.html"


def _tab_panel(
    request: EngineRequest, instance_id: str, tab: Tab, *, with_overview: bool
) -> tuple[dict, detail.Loaded]:
    """The tab's engine calls, loaded with the tree (and the header when asked), and what its partial
    draws, narrowed to the chosen activity (?activity=) where one is chosen."""
    calls = tab.calls(request.engine, instance_id)
    loaded = detail.load(request.engine, instance_id, tab_calls=calls, with_overview=with_overview)
    data = TabData(request.engine, instance_id, loaded, request.GET.get("activity", "").strip())
    context = {
        "instance_id": instance_id,
        "tab": tab.name,
        "tab_label": tab.label,
        "tab_template": tab.template,
        "tabs": [each for each in TABS.values() if request.user.has_perm(each.permission)],
        "activity": data.activity,
        "per_tab": detail.PER_TAB,
        "can_operate": request.user.has_perm(Perm.OPERATE),
        "can_edit": request.user.has_perm(Perm.EDIT_VARIABLES),
        "can_work_tasks": request.user.has_perm(Perm.WORK_TASKS),
        # A tab whose engine calls failed says so in its panel; the rest of the page stays usable.
        "tab_error": loaded.failure(*calls),
        **tab.shows(data),
        "limit_reached": any(
            isinstance(value, list) and len(value) >= detail.PER_TAB for value in loaded.results.values()
        ),
    }
    return context, loaded


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def instance_detail(request: EngineRequest, instance_id: str, tab: str = "variables") -> HttpResponse:
    """The whole page with the named tab open; an htmx request for the tab panel gets just the tab."""
    if tab not in TABS:
        raise Http404(f"No tab named {tab!r}.")
    if not request.user.has_perm(TABS[tab].permission):
        raise PermissionDenied(f"The {TABS[tab].label} tab needs the permission {TABS[tab].permission}.")
    if request.htmx and request.htmx.target == "instance-facts":  # redrawn after a change
        loaded = detail.load(request.engine, instance_id, tab_calls=None, with_overview=True)
        context = {"instance_id": instance_id, "overview": loaded.overview}
        context["can_operate"] = request.user.has_perm(Perm.OPERATE)
        return render(request, f"{PAGE}#facts", context)
    panel_only = request.htmx and request.htmx.target == "tab-panel"
    context, loaded = _tab_panel(request, instance_id, TABS[tab], with_overview=not panel_only)
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
def instance_tree(request: EngineRequest, instance_id: str) -> HttpResponse:
    """The activity instance tree alone, drawn again after something changed the instance."""
    nodes, tree_error = None, None
    try:
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
def diagram_state(request: EngineRequest, instance_id: str) -> JsonResponse:
    """Tokens, incidents and the path taken, for the diagram's markers (read again after every change)."""
    running = request.GET.get("ended") != "1"
    state = detail.diagram_state(request.engine, instance_id, running=running)
    return JsonResponse({**state.as_json(), "links": _called_links(request, instance_id, state.called)})


def _called_links(request: EngineRequest, instance_id: str, called: dict[str, list[str]]) -> dict:
    """Where each call activity leads: the instance it called, or the list of those it called."""
    links = {}
    for activity_id, ids in called.items():
        if len(ids) == 1:
            href = reverse("instance_detail", args=[request.engine_name, ids[0]])
            links[activity_id] = {"href": href, "text": "called instance"}
        else:
            query = urlencode({"super_instance": instance_id})
            href = f"{reverse('instance_list', args=[request.engine_name])}?{query}"
            links[activity_id] = {"href": href, "text": f"{len(ids)} called instances"}
    return links


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
def instance_suspend(request: EngineRequest, instance_id: str) -> HttpResponse:
    suspend = request.POST.get("suspended") == "true"
    with audited(
        user=request.user,
        engine=request.engine_name,
        action="instance.suspend" if suspend else "instance.activate",
        target_type="process_instance",
        target_id=instance_id,
    ):
        request.engine.set_instance_suspended(instance_id, suspended=suspend)
    messages.success(request, "Instance suspended." if suspend else "Instance activated.")
    return redirect("instance_detail", engine=request.engine_name, instance_id=instance_id)


@require_http_methods(["GET", "POST"])
@requires(Perm.OPERATE)
@engine_scoped
def instance_delete(request: EngineRequest, instance_id: str) -> HttpResponse:
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
        engine=request.engine_name,
        action="instance.delete",
        target_type="process_instance",
        target_id=instance_id,
        parameters={"reason": form.cleaned_data["reason"], **options},
    ):
        request.engine.delete_instance(instance_id, reason=form.cleaned_data["reason"], **options)
    messages.success(request, f"Process instance {instance_id} deleted.")
    return redirect(reverse("instance_list", args=[request.engine_name]))


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def instance_retry_incidents(request: EngineRequest, instance_id: str) -> HttpResponse:
    """Retry every incident of the instance at once; the incidents tab is drawn again with the outcome."""
    incidents = request.engine.list_incidents(process_instance_id=instance_id, limit=detail.PER_TAB)
    outcome = incident_actions.retry(
        request.engine, user=request.user, incidents=incidents, target_id=instance_id
    )
    context, _ = _tab_panel(request, instance_id, TABS["incidents"], with_overview=False)
    context["retried"] = outcome
    return instance_changed(render(request, f"{PAGE}#tab-panel", context))
