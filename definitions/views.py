from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import engine_scoped
from cockpit.lists import render_engine_list
from cockpit.paging import engine_table
from definitions.tables import DefinitionTable


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def definition_list(request: HttpRequest) -> HttpResponse:
    def fetch(sort, offset, limit):
        # GET /process-definition
        return request.engine.list_definitions(latest_version=True, sort=sort, offset=offset, limit=limit)

    table, page = engine_table(request, DefinitionTable, fetch, default_sort="key")
    return render_engine_list(
        request,
        table,
        page,
        title="Processes",
        intro="The latest version of each deployed process definition.",
        empty="No process definitions are deployed.",
    )
