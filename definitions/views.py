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


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def definition_diagram(request: HttpRequest, definition_id: str) -> HttpResponse:
    """A definition's BPMN XML for the diagram; a deployed definition never changes, so it may be cached."""
    # GET /process-definition/{id}/xml
    xml = request.engine.definition_xml(definition_id)
    response = HttpResponse(xml, content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response
