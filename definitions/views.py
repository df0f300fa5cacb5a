"""Process definitions: the list with their counts, and one definition with its diagram and instances."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from audit.log import audited
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.paging import engine_table
from dashboard.tiles import StillCounting
from definitions.statistics import Counts, counts_by_key
from definitions.tables import DefinitionTable
from engines.errors import EngineError
from engines.models import ProcessDefinition
from engines.queries import DefinitionSort, ProcessInstanceQuery, Sort, containing
from instances.modify_views import model_of
from instances.rows import with_details
from instances.tables import InstanceTable


class DefinitionFilterForm(forms.Form):
    name = forms.CharField(required=False, max_length=200, label="Name contains")
    key = forms.CharField(required=False, max_length=200, label="Key contains")
    tenant = forms.CharField(required=False, max_length=200, label="Tenant")

    def engine_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "name_like": containing(data["name"]) if data.get("name") else None,
            "key_like": containing(data["key"]) if data.get("key") else None,
            "tenant_ids": [data["tenant"]] if data.get("tenant") else (),
        }


@dataclass(frozen=True)
class DefinitionRow:
    definition: ProcessDefinition
    counts: Counts | None  # None while the engine is still counting


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def definition_list(request: EngineRequest) -> HttpResponse:
    """The latest version of each process, with instances and incidents over all its versions."""
    form = DefinitionFilterForm(request.GET)
    form.is_valid()
    try:
        counts = counts_by_key(request.engine)
    except StillCounting:
        counts = None

    def fetch(sort, offset, limit):
        found = request.engine.list_definitions(
            latest_version=True, sort=sort, offset=offset, limit=limit, **form.engine_filters()
        )
        return [
            DefinitionRow(
                d, None if counts is None else counts.get((d.key or d.id, d.tenant_id or ""), Counts())
            )
            for d in found
        ]

    table, page = engine_table(request, DefinitionTable, fetch, default_sort="key")
    context = {"form": form, "table": table, "page": page, "counting": counts is None}
    template = "definitions/list.html#results" if request.htmx else "definitions/list.html"
    return render(request, template, context)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def definition_detail(request: EngineRequest, definition_id: str) -> HttpResponse:
    definition = request.engine.get_definition(definition_id)
    # The versions to switch between
    versions = request.engine.list_definitions(
        key=definition.key, tenant_ids=[definition.tenant_id] if definition.tenant_id else (),
        sort=Sort(DefinitionSort.VERSION, "desc"), limit=200,
    )  # fmt: skip
    context = {
        "definition": definition,
        "versions": [v for v in versions if (v.tenant_id or "") == (definition.tenant_id or "")],
        "activity": request.GET.get("activity", ""),
        "can_operate": request.user.has_perm(Perm.OPERATE),
        "migrate_url": _migrate_url(request, definition_id),
        **_calls(request.engine, definition, request.GET.get("called_by", "")),
    }
    return render(request, "definitions/detail.html", context)


@dataclass(frozen=True)
class Call:
    """A definition called (or calling), with the names of the call activities that call it."""

    definition: ProcessDefinition
    activities: list[str]


def _calls(engine, definition: ProcessDefinition, called_by: str) -> dict:
    """The definitions this one calls and, when the page was reached from its caller's, that caller:
    only if the caller really calls this definition (the URL is not taken at its word)."""
    if not engine.capabilities.called_definitions:
        return {"calls_offered": False}
    try:
        calls = [
            Call(called, [_activity_name(engine, definition.id, a) for a in called.called_from_activity_ids])
            for called in engine.called_definitions(definition.id)
        ]
    except EngineError as error:
        return {"calls_offered": True, "calls_error": error}
    caller = None
    if called_by:
        try:
            caller_calls = [c for c in engine.called_definitions(called_by) if c.id == definition.id]
            if caller_calls:
                caller = Call(
                    engine.deployed_definition(called_by),
                    [_activity_name(engine, called_by, a) for a in caller_calls[0].called_from_activity_ids],
                )
        except EngineError:  # the way back is a nicety: the page stands without it
            caller = None
    return {"calls_offered": True, "calls": calls, "caller": caller}


def _migrate_url(request: EngineRequest, definition_id: str) -> str:
    """The migration wizard for this version's running instances ("" where the engine cannot migrate)."""
    if not request.engine.capabilities.migration:
        return ""
    wizard = reverse("instances_migrate", args=[request.engine_name])
    return f"{wizard}?{urlencode({'filter': urlencode({'definition_id': definition_id})})}"


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def definition_activity_state(request: EngineRequest, definition_id: str) -> JsonResponse:
    """Per activity: instances waiting there and open incidents, for the diagram's badges."""
    statistics = request.engine.activity_statistics(definition_id)
    return JsonResponse(
        {
            "active": {row.id: row.instances for row in statistics if row.instances},
            "incidents": {
                row.id: total for row in statistics if (total := sum(i.incident_count for i in row.incidents))
            },
            "taken": [],
            "links": _called_links(request, definition_id),
        }
    )


def _called_links(request: EngineRequest, definition_id: str) -> dict:
    """Where each call activity leads: the definition it calls, whose page links back here."""
    if not request.engine.capabilities.called_definitions:
        return {}
    try:
        called = request.engine.called_definitions(definition_id)
    except EngineError:  # the badges stand without the links; the page's own section says why
        return {}
    back = urlencode({"called_by": definition_id})
    return {
        activity_id: {
            "href": f"{reverse('definition_detail', args=[request.engine_name, each.id])}?{back}",
            "text": "called definition",
        }
        for each in called
        if not each.unreadable
        for activity_id in each.called_from_activity_ids
    }


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def definition_instances(request: EngineRequest, definition_id: str) -> HttpResponse:
    """The definition's running instances, narrowed to those waiting in the chosen activity."""
    activity = request.GET.get("activity", "").strip()
    query = ProcessInstanceQuery(
        process_definition_id=definition_id, activity_ids=(activity,) if activity else ()
    )

    def fetch(sort, offset, limit):
        sorted_query = replace(query, sorting=(sort,) if sort else ())
        return with_details(
            request.engine, request.engine.list_instances(sorted_query, offset=offset, limit=limit)
        )

    table, page = engine_table(request, InstanceTable, fetch)
    # An excerpt: the instance list is where instances are sorted, selected and acted on.
    table.columns.hide("select")
    for column in table.columns:
        column.column.orderable = False
    definition = request.engine.deployed_definition(definition_id)
    # By id: a key and version may name copies of the process in several tenants.
    list_filter = urlencode(
        {"definition_id": definition.id, **({"activity_id": activity} if activity else {})}
    )
    context = {
        "table": table,
        "page": page,
        "activity": activity,
        "activity_name": _activity_name(request.engine, definition.id, activity),
        "definition": definition,
        "list_filter": list_filter,
    }
    return render(request, "definitions/detail.html#instances", context)


def _activity_name(engine, definition_id: str, activity: str) -> str:
    """The activity as the diagram names it (its id where the definition's XML cannot tell)."""
    if not activity:
        return ""
    try:
        node = model_of(engine, definition_id)[0].nodes.get(activity)
    except EngineError:  # the name is a nicety: the id still says where
        node = None
    return node.title if node else activity


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def definition_suspend(request: EngineRequest, definition_id: str) -> HttpResponse:
    suspend = request.POST.get("suspended") == "true"
    with_instances = request.POST.get("include_instances") == "on"
    with audited(
        user=request.user,
        engine=request.engine_name,
        action="definition.suspend" if suspend else "definition.activate",
        target_type="process_definition",
        target_id=definition_id,
        parameters={"include_instances": with_instances},
    ):
        request.engine.set_definition_suspended(
            definition_id, suspended=suspend, include_instances=with_instances
        )
    messages.success(request, "Definition suspended." if suspend else "Definition activated.")
    return redirect("definition_detail", engine=request.engine_name, definition_id=definition_id)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def definition_diagram(request: EngineRequest, definition_id: str) -> HttpResponse:
    """A definition's BPMN XML for the diagram; a deployed definition never changes, so it may be cached."""
    xml = request.engine.definition_xml(definition_id)
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response
