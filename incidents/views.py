from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import engine_scoped
from cockpit.lists import render_engine_list
from cockpit.paging import engine_table
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
