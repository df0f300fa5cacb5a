from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import engine_scoped
from cockpit.lists import render_engine_list
from cockpit.paging import engine_table
from engines.models import Incident
from incidents import actions
from incidents.tables import IncidentTable


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def incident_list(request: HttpRequest) -> HttpResponse:
    def fetch(sort, offset, limit):
        # GET /incident
        return request.engine.list_incidents(sort=sort, offset=offset, limit=limit)

    table, page = engine_table(request, IncidentTable, fetch, default_sort="-incident_timestamp")
    return render_engine_list(request, table, page, title="Incidents", empty="No open incidents.")


# --- one incident: stack trace, annotation, retry (from the instance page and the incident list) -----------


def _incident_row(request: HttpRequest, incident: Incident, *, status: int = 200, **extra) -> HttpResponse:
    context = {"incident": incident, "can_operate": request.user.has_perm(Perm.OPERATE), **extra}
    return render(request, "incidents/_incident.html#incident-row", context, status=status)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def incident_stacktrace(request: HttpRequest, incident_id: str) -> HttpResponse:
    # GET /incident/{id}
    incident = request.engine.get_incident(incident_id)
    trace = actions.stacktrace(request.engine, incident)
    return render(request, "incidents/_incident.html#stacktrace", {"incident": incident, "trace": trace})


class AnnotationForm(forms.Form):
    annotation = forms.CharField(max_length=4000, required=False, strip=True)


@require_POST
@requires(Perm.OPERATE)
@engine_scoped
def incident_annotate(request: HttpRequest, incident_id: str) -> HttpResponse:
    """Set the annotation (an empty one clears it); the row is drawn again with the engine's value."""
    # GET /incident/{id}
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
def incident_retry(request: HttpRequest, incident_id: str) -> HttpResponse:
    """Another attempt for the failing job behind the incident; the row then says what became of it."""
    # GET /incident/{id}
    incident = request.engine.get_incident(incident_id)
    outcome = actions.retry(request.engine, user=request.user, incidents=[incident], target_id=incident.id)
    # GET /incident: a job that failed again raised a new incident at the same activity
    again = request.engine.list_incidents(
        process_instance_id=incident.process_instance_id, activity_id=incident.activity_id, limit=1
    )
    response = _incident_row(request, again[0] if again else incident, retried=outcome, resolved=not again)
    response["HX-Trigger"] = "instance-changed"
    return response
