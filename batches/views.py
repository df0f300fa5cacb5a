from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from batches.tables import BatchTable
from cockpit.engines import engine_scoped
from cockpit.lists import render_engine_list
from cockpit.paging import engine_table


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def batch_list(request: HttpRequest) -> HttpResponse:
    def fetch(sort, offset, limit):
        # GET /batch/statistics
        return request.engine.batch_statistics(sort=sort, offset=offset, limit=limit)

    table, page = engine_table(request, BatchTable, fetch)
    return render_engine_list(
        request, table, page, title="Batches", empty="No batches are running on this engine."
    )
