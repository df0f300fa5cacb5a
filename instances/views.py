"""The process instance list: filter, sort, page, count, export, and act on many instances at once."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import replace

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import requires
from accounts.roles import Perm
from batches import operations
from batches.kinds import KINDS
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.filter_words import instance_filter_words
from cockpit.paging import MAX_PAGE_SIZE_SHOWN, engine_table, filter_string
from engines import fan_out
from engines.base import Capabilities
from engines.errors import EngineError, Unsupported
from engines.queries import HistoricInstanceSort, ProcessInstanceQuery
from instances.bulk import BulkActionForm
from instances.forms import OPERATOR_LABELS, VALUE_TYPES, InstanceFilterForm
from instances.models import SavedSearch
from instances.rows import as_history, awaiting_details, from_history, row_details, row_ids, with_details
from instances.tables import (
    InstanceTable,
    activities_cell,
    incident_state,
    incidents_cell,
    process_cell,
    started_cell,
)

EXPORT_PAGE = 500


def filtered(
    request: EngineRequest, data: QueryDict
) -> tuple[InstanceFilterForm, ProcessInstanceQuery | None, bool]:
    """The form, its engine query (None: nothing can match), and whether the form was valid."""
    form = InstanceFilterForm(data)
    if not form.is_valid():
        return form, None, False
    try:
        return form, form.query(request.engine), True
    except forms.ValidationError:
        return form, None, False


NEWEST_FIRST = "-start_time"


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def instance_list(request: EngineRequest) -> HttpResponse:
    form, query, valid = filtered(request, request.GET)
    notes: list[str] = []

    def fetch(sort, offset, limit):
        if query is None:
            return []
        if sort is not None and sort.by is HistoricInstanceSort.START_TIME:
            rows = _newest_first(request.engine, query, sort, offset, limit, notes)
            if rows is not None:
                return rows
            sort = None
        sorted_query = replace(query, sorting=(sort,) if sort else ())
        # The rows show at the time of this one call; their details follow (instance_row_details).
        return awaiting_details(request.engine.list_instances(sorted_query, offset=offset, limit=limit))

    # A search from the bar (#filters) gets the whole page, whose bar and results it swaps in (the chips
    # change with the filter); a page or a sorting of the results gets the results alone.
    results_only = bool(request.htmx) and request.htmx.trigger != "filters"
    actions = offered_actions(request.user, request.engine.capabilities)
    found = fan_out(
        {
            "table": lambda: engine_table(
                request,
                InstanceTable,
                fetch,
                default_sort=NEWEST_FIRST,
                exclude=() if actions else ("select",),
            ),
            # The pickers belong to the bar around the results, which a page or a sorting of them keeps;
            # asked at the same time as the rows, so the rows never wait for them.
            "choices": lambda: [] if results_only else form.offer_choices(request.engine),
        }
    )
    table, page = found["table"]
    choice_problems = found["choices"]
    context = {
        "detail_ids": row_ids(list(table.data)),
        "form": form,
        "valid": valid,
        "nothing_can_match": valid and query is None,
        "filtered": bool(filter_string(request.GET)),
        "table": table,
        "page": page,
        "filter_string": filter_string(request.GET),
        "operators": OPERATOR_LABELS,
        "value_types": VALUE_TYPES,
        "actions": actions,
        "missing_actions": missing_actions(request.user, request.engine.capabilities),
        "saved": SavedSearch.objects.filter(user=request.user, engine=request.engine_name),
        "notes": notes + choice_problems,
    }
    if actions and valid:  # the bulk bar says what "everything matching" is
        context["filter_words"] = instance_filter_words(
            query, engine=request.engine, started=form.started_window
        )
    template = "instances/list.html#results" if results_only else "instances/list.html"
    return render(request, template, context)


def _newest_first(engine, query: ProcessInstanceQuery, sort, offset: int, limit: int, notes: list[str]):
    """A page of the running instances by start time, from history (None: this filter cannot be asked
    there, and the note says the list is in the engine's order instead)."""
    historic = as_history(query)
    if historic is not None:
        try:
            found = engine.list_historic_instances(
                replace(historic, sorting=(sort,)), offset=offset, limit=limit
            )
        except Unsupported as error:
            notes.append(f"Not sorted by start time: {error.message}.")
        else:
            return from_history(found)
    else:
        notes.append("Not sorted by start time: history has no such filter; shown in the engine's order.")
    return None


@require_POST  # a page of ids is too long for a URL
@requires(Perm.VIEW)
@engine_scoped
def instance_row_details(request: EngineRequest) -> HttpResponse:
    """The list's cells that need a second lookup (process version, incidents, start time), filled
    into the rows' slots out of band, so the rows never wait for them."""
    ids = request.POST.getlist("id")[:MAX_PAGE_SIZE_SHOWN]
    found = row_details(request.engine, ids, where_they_stand=True)
    cells = [
        {
            "slot": slot,
            "process": process_cell(details.definition),
            "state": incident_state() if details.has_incident else "",
            "started": started_cell(details.start_time),
            "activities": activities_cell(details.activities),
            "incidents": incidents_cell(details.incidents),
        }
        for slot, details in enumerate(found.by_id[i] for i in ids)
    ]
    return render(request, "instances/list.html#row-details", {"cells": cells, "problems": found.problems})


def offered_actions(user, capabilities: Capabilities) -> list[tuple[str, str]]:
    """The bulk actions the user's role may start on this engine: the list offers only those (the view
    checks again)."""
    return [
        (name, label)
        for name, label in BulkActionForm.ACTIONS
        if user.has_perm(KINDS[name].perm) and KINDS[name].available(capabilities)
    ]


def missing_actions(user, capabilities: Capabilities) -> list[str]:
    """Why a bulk action the role could start is not offered: the engine cannot do it."""
    return [
        KINDS[name].missing
        for name, _label in BulkActionForm.ACTIONS
        if user.has_perm(KINDS[name].perm) and not KINDS[name].available(capabilities)
    ]


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def instance_count(request: EngineRequest) -> HttpResponse:
    """Its own fragment, so a slow count on a large engine never holds up the table."""
    _form, query, valid = filtered(request, request.GET)
    count = request.engine.count_instances(query) if query is not None else 0
    bulk = bool(offered_actions(request.user, request.engine.capabilities))
    return render(request, "instances/list.html#count", {"count": count, "valid": valid, "bulk": bulk})


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def instance_export(request: EngineRequest, fmt: str) -> HttpResponse:
    """Every matching instance, fetched and written page by page: memory stays flat however many."""
    if fmt not in ("csv", "json"):
        raise Http404("Export is to csv or json.")
    _form, query, valid = filtered(request, request.GET)
    if not valid:
        return HttpResponse("The filter is not valid; fix it on the list page first.", status=400)
    rows = _all_rows(request.engine, query)
    # The first page is asked for before anything is sent: if the engine fails there, the answer is its
    # error page (and status), never a file that looks like an empty export.
    first = next(rows, None)
    rows = itertools.chain([first] if first is not None else [], rows)
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(_json(rows), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="instances-{request.engine_name}.{fmt}"'
    return response


def _all_rows(engine, query: ProcessInstanceQuery | None) -> Iterator[dict]:
    offset = 0
    while query is not None:
        page = engine.list_instances(query, offset=offset, limit=EXPORT_PAGE)
        for row in with_details(engine, page):
            yield {
                "id": row.id,
                "definitionId": row.instance.definition_id,
                "definitionKey": row.definition.key if row.definition else None,
                "definitionVersion": row.definition.version if row.definition else None,
                "businessKey": row.instance.business_key,
                "state": row.state,
                "tenantId": row.instance.tenant_id,
                "startTime": row.start_time.isoformat() if row.start_time else None,
            }
        if len(page) < EXPORT_PAGE:
            return
        offset += EXPORT_PAGE


def _csv(rows: Iterator[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = None
    written = 0
    try:
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(buffer, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({name: _as_text(value) for name, value in row.items()})
            written += 1
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    except Exception as error:
        yield "\r\n" + _failed_line(written, error)
        raise


# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value):
    """A CSV cell that a spreadsheet shows as the text it is, never runs."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _json(rows: Iterator[dict]) -> Iterator[str]:
    written = 0
    try:
        for row in rows:
            yield ("," if written else "[") + json.dumps(row)
            written += 1
    except Exception as error:
        # No closing bracket: what was written stays invalid JSON, so no program reads it as complete.
        yield "\n" + _failed_line(written, error)
        raise
    yield "]" if written else "[]"


def _failed_line(written: int, error: Exception) -> str:
    """The last line of an export that failed midway. The error is raised again after it, so the server
    breaks off the transfer and the browser shows the download as failed, not finished."""
    reason = error.message if isinstance(error, EngineError) else type(error).__name__
    return f"EXPORT FAILED after {written} instances, this file is incomplete: {reason}\n"


def already_so(engine, kind: str, ids: list[str] | None, query: ProcessInstanceQuery | None) -> int:
    """How many of the instances are suspended (or active) already: the action changes nothing there."""
    state, other = ("suspended", "active") if kind == "suspend" else ("active", "suspended")
    narrowed = ProcessInstanceQuery(process_instance_ids=tuple(ids)) if ids is not None else query
    if narrowed is None or getattr(narrowed, other):  # none, or the filter itself asks for the other state
        return 0
    return engine.count_instances(dataclasses.replace(narrowed, **{state: True}))


@require_POST
@requires(Perm.VIEW)
@engine_scoped
def bulk_action(request: EngineRequest) -> HttpResponse:
    """Step one shows what will happen to how many instances, with the action's options;
    step two (confirm) hands it to a worker and lands on the operation's progress."""
    bulk = BulkActionForm(request.POST)
    filter_data = QueryDict(request.POST.get("filter", ""))
    form, query, valid = filtered(request, filter_data)
    context = {
        "bulk": bulk,
        "filter_string": request.POST.get("filter", ""),
        "selected": request.POST.getlist("ids"),
    }
    options_refused = not bulk.is_valid() and bulk.only_options_refused
    if (not bulk.is_valid() and not options_refused) or not valid:
        return render(request, "instances/bulk_confirm.html", context, status=400)
    if bulk.kind in ("modify", "migrate"):  # a plan to build first: the wizard, for the same instances
        targets = QueryDict(mutable=True)
        targets["filter"] = request.POST.get("filter", "")
        if bulk.cleaned_data["scope"] == "selected":
            targets.setlist("ids", context["selected"])
        wizard = reverse(f"instances_{bulk.kind}", args=[request.engine_name])
        return redirect(f"{wizard}?{targets.urlencode()}")
    kind = KINDS[bulk.kind]
    if not request.user.has_perm(kind.perm):
        return render(request, "instances/bulk_confirm.html", {**context, "forbidden": kind}, status=403)
    ids = bulk.cleaned_data["scope"] == "selected"
    count = len(context["selected"]) if ids else (request.engine.count_instances(query) if query else 0)
    context.update(kind=kind, count=count)
    if bulk.kind in ("suspend", "activate") and count:
        context["unchanged"] = already_so(
            request.engine, bulk.kind, context["selected"] if ids else None, query
        )
    started = None if ids else form.started_window
    if not ids:
        context["filter_words"] = instance_filter_words(query, engine=request.engine, started=started)
    if options_refused:
        return render(request, "instances/bulk_confirm.html", context, status=400)
    if "confirm" not in request.POST or not count:
        return render(request, "instances/bulk_confirm.html", context)
    parameters = {"ids": context["selected"]} if ids else {"query": query.to_dict()}
    if "unchanged" in context:  # for the operation's page: how many were so already
        parameters["unchanged"] = context["unchanged"]
    if started:  # how the query's ids were found, to say so on the operation's page
        parameters["started"] = started
    operation = operations.start(
        user=request.user, engine=request.engine_name, kind=bulk.kind,
        parameters={**parameters, **bulk.options()},
    )  # fmt: skip
    return redirect("operation_detail", engine=operation.engine, pk=operation.pk)


@require_POST
@requires(Perm.VIEW)
@engine_scoped
def save_search(request: EngineRequest) -> HttpResponse:
    """Keep the current filter under a name (the same name again replaces it)."""
    name = request.POST.get("name", "").strip()[:100]
    query_string = request.POST.get("filter", "")
    engine = request.engine_name
    if not name:
        messages.error(request, "Give the search a name to save it.")
    else:
        SavedSearch.objects.update_or_create(
            user=request.user, engine=engine, name=name, defaults={"query_string": query_string}
        )
        messages.success(request, f"Saved as “{name}”.")
    return redirect(f"{reverse('instance_list', args=[engine])}?{query_string}")


@require_POST
@requires(Perm.VIEW)
@engine_scoped
def delete_search(request: EngineRequest, pk: int) -> HttpResponse:
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user, engine=request.engine_name)
    search.delete()
    messages.success(request, f"“{search.name}” deleted.")
    return redirect("instance_list", engine=request.engine_name)
