from django import forms
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from batches import operations, retries
from batches.kinds import KINDS, named_incidents
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.filter_words import incident_filter_words
from cockpit.paging import engine_table, filter_string
from engines.errors import EngineError
from engines.models import Incident
from incidents import actions, groups
from incidents.forms import IncidentBulkForm, IncidentFilterForm
from incidents.tables import IncidentTable


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def incident_list(request: EngineRequest) -> HttpResponse:
    """Open incidents, filtered; one row each, or one row per message with its exact count."""
    form = IncidentFilterForm(request.GET)
    form.is_valid()
    filters, annotated = form.engine_filters(), form.wants_annotated
    can_operate = request.user.has_perm(Perm.OPERATE)
    context = {
        "form": form,
        "filter_string": filter_string(request.GET),
        "cut": False,
        "can_operate": can_operate,
        **_annotation_offered(request),
    }
    if form.cleaned_data.get("group"):
        context["groups"], context["cut"] = groups.groups(request.engine, filters, annotated)
        context["count"] = sum(group.count for group in context["groups"])
    else:
        if annotated is None:
            try:
                context["count"] = request.engine.count_incidents(**filters)
            except EngineError as error:  # the count is one section: the rows still show
                context["count_error"] = error

        def fetch(sort, offset, limit):
            if annotated is None:
                found = request.engine.list_incidents(sort=sort, offset=offset, limit=limit, **filters)
            else:
                found, context["count"], context["cut"] = groups.annotated_page(
                    request.engine, filters, annotated, sort, offset, limit
                )
            return groups.with_definitions(request.engine, found)

        context["table"], context["page"] = engine_table(
            request,
            IncidentTable,
            fetch,
            default_sort="-incident_timestamp",
            exclude=() if can_operate else ("select",),
        )
    context["scan"] = groups.SCAN
    # Back (a history restore) wants the whole page: the form must show the filter the list is for.
    results_only = request.htmx and not request.htmx.history_restore_request
    template = "incidents/list.html#results" if results_only else "incidents/list.html"
    return render(request, template, context)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def incident_bulk(request: EngineRequest) -> HttpResponse:
    """Retry or annotate many incidents through a worker; step one says how many, step two starts it."""
    selected = request.POST.getlist("incident_ids")
    bulk = IncidentBulkForm(request.POST, selected=selected, confirming="confirm" in request.POST)
    listed = request.POST.get("filter", "")  # the list's filter, as its query string
    context = {"bulk": bulk, "selected": selected, "filter_string": listed}
    if not bulk.is_valid():
        return render(request, "incidents/bulk_confirm.html", context, status=400)
    scope = bulk.cleaned_data["scope"]
    if scope == "selected":
        parameters: dict = {"incident_ids": selected}
        count = len(selected)
    else:
        # A group, or the whole list: and always the list's annotation filter, which the engine has not.
        listed_form = IncidentFilterForm(QueryDict(listed))
        listed_form.is_valid()
        filters = bulk.cleaned_data["group"] if scope == "group" else listed_form.engine_filters()
        parameters = {"incident_filter": filters}
        wanted = listed_form.wants_annotated
        if wanted is None:
            count = request.engine.count_incidents(**filters)
        else:
            parameters["annotated"] = wanted
            found, cut = groups.annotated(request.engine, filters, wanted)
            if cut:
                context["too_many"] = groups.SCAN
                return render(request, "incidents/bulk_confirm.html", context, status=400)
            count = len(found)
        context["filter_words"] = incident_filter_words(filters, annotated=wanted, engine=request.engine)
    if bulk.cleaned_data["action"] == "annotate":
        parameters["annotation"] = bulk.cleaned_data["annotation"].strip()
    context.update(count=count, kind=KINDS[bulk.kind])
    if bulk.cleaned_data["action"] == "retry" and count:
        # A suspended instance's job does not run on a retry: the confirmation says how many that is.
        context["on_suspended"], context["suspended_cut"] = retries.on_suspended_instances(
            request.engine, named_incidents(request.engine, parameters), scan=groups.SCAN
        )
    if "confirm" not in request.POST or not count:
        return render(request, "incidents/bulk_confirm.html", context)
    operation = operations.start(
        user=request.user, engine=request.engine_name, kind=bulk.kind, parameters=parameters
    )
    return redirect("operation_detail", engine=operation.engine, pk=operation.pk)


# --- one incident: stack trace, annotation, retry (from the instance page and the incident list) -----------


def _annotation_offered(request: EngineRequest) -> dict[str, str]:
    """Where the engine keeps no notes on incidents, no page offers to write one, and says why."""
    kind = KINDS["incident_annotate"]
    return {} if kind.available(request.engine.capabilities) else {"annotation_missing": kind.missing}


def _incident_row(request: EngineRequest, incident: Incident, *, status: int = 200, **extra) -> HttpResponse:
    context = {
        "incident": incident,
        "can_operate": request.user.has_perm(Perm.OPERATE),
        **_annotation_offered(request),
        **extra,
    }
    return render(request, "incidents/_incident.html#incident-row", context, status=status)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def incident_stacktrace(request: EngineRequest, incident_id: str) -> HttpResponse:
    incident = request.engine.get_incident(incident_id)
    trace = actions.stacktrace(request.engine, incident)
    return render(request, "incidents/_incident.html#stacktrace", {"incident": incident, "trace": trace})


class AnnotationForm(forms.Form):
    annotation = forms.CharField(max_length=4000, required=False, strip=True)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def incident_annotate(request: EngineRequest, incident_id: str) -> HttpResponse:
    """Set the annotation (an empty one clears it); the row is drawn again with the engine's value."""
    incident = request.engine.get_incident(incident_id)
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        return _incident_row(request, incident, status=422, annotation_form=form, editing=True)
    actions.annotate(
        request.engine, user=request.user, incident=incident, annotation=form.cleaned_data["annotation"]
    )
    return _incident_row(request, request.engine.get_incident(incident_id), annotated=True)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def incident_retry(request: EngineRequest, incident_id: str) -> HttpResponse:
    """Another attempt for the failing job behind the incident; the row then says what became of it."""
    incident = request.engine.get_incident(incident_id)
    outcome = actions.retry(request.engine, user=request.user, incidents=[incident], target_id=incident.id)
    # A job that failed again raised a new incident at the same activity (looked for among the
    # instance's own: not every engine can filter its failures by activity)
    still_open = request.engine.list_incidents(process_instance_id=incident.process_instance_id, limit=500)
    again = [i for i in still_open if i.activity_id == incident.activity_id]
    response = _incident_row(request, again[0] if again else incident, retried=outcome, resolved=not again)
    response["HX-Trigger"] = "instance-changed"
    return response


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def incident_instance(request: EngineRequest, incident_id: str) -> HttpResponse:
    """An incident's own instance, its incidents tab open: where a propagated incident's root cause is."""
    incident = request.engine.get_incident(incident_id)
    if not incident.process_instance_id:
        raise Http404(f"Incident {incident_id} names no process instance.")
    return redirect("instance_tab", engine=request.engine_name,
                    instance_id=incident.process_instance_id, tab="incidents")  # fmt: skip
