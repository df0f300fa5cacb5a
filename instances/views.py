from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import engine_scoped
from cockpit.lists import render_engine_list
from cockpit.paging import engine_table
from engines.queries import ProcessInstanceQuery
from instances.tables import InstanceTable


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def instance_list(request: HttpRequest) -> HttpResponse:
    def fetch(sort, offset, limit):
        # POST /process-instance
        query = ProcessInstanceQuery(sorting=(sort,) if sort else ())
        return request.engine.list_instances(query, offset=offset, limit=limit)

    table, page = engine_table(request, InstanceTable, fetch)
    return render_engine_list(
        request, table, page, title="Process instances", empty="No running process instances."
    )
