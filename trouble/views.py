"""Where the trouble is going to be: failed jobs that still have retries left (incidents in the making)
and instances waiting in an activity much longer than it usually takes. Read-only, for every role; the
repairs are the instance page's (its jobs tab) and the instance list's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.paging import engine_table
from dashboard.tiles import StillCounting, cached
from engines.errors import EngineError, EngineTimeout, EngineUnavailable
from engines.models import Job
from instances.modify_views import model_of
from trouble.stuck import DEFINITIONS, SAMPLE, StuckActivity, Thresholds, stuck_instances
from trouble.tables import RetryingJobTable

DEFAULT_FACTOR = 2.0
DEFAULT_FLOOR_MINUTES = 10


@dataclass(frozen=True)
class RetryingJob:
    job: Job
    activity: str  # where it failed, as the diagram names it


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def jobs_retrying(request: EngineRequest) -> HttpResponse:
    """Failed jobs the engine will try again: they become incidents once their retries run out."""

    def fetch(sort, offset, limit):
        found = request.engine.list_jobs(
            with_exception=True, no_retries_left=False, sort=sort, offset=offset, limit=limit
        )
        names = _activity_names(request, {job.process_definition_id for job in found})
        return [
            RetryingJob(
                job,
                names.get((job.process_definition_id, job.failed_activity_id), job.failed_activity_id or ""),
            )
            for job in found
        ]

    table, page = engine_table(request, RetryingJobTable, fetch, default_sort="due")
    context = {"table": table, "page": page}
    template = "trouble/jobs_retrying.html#results" if request.htmx else "trouble/jobs_retrying.html"
    return render(request, template, context)


def _activity_names(request: EngineRequest, definition_ids: set[str | None]) -> dict[tuple, str]:
    names: dict[tuple, str] = {}
    for definition_id in filter(None, definition_ids):
        try:
            nodes = model_of(request.engine, definition_id)[0].nodes
        except EngineError:  # the names are a nicety: the ids still say where
            continue
        names.update({(definition_id, node_id): node.title for node_id, node in nodes.items()})
    return names


class ThresholdForm(forms.Form):
    factor = forms.FloatField(
        required=False,
        min_value=1,
        max_value=1000,
        label="Times the 90th percentile",
        help_text="how much longer than 9 in 10 of its past runs an activity may take",
        error_messages={
            "invalid": "The factor is a number, like 2 or 1.5.",
            "min_value": "The factor is 1 or more: below it, usual waits would count as stuck.",
            "max_value": "The factor is at most 1000.",
        },
    )
    floor = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=525_600,
        label="But at least (minutes)",
        help_text="so that activities that take seconds are not flagged after a minute",
        error_messages={
            "invalid": "The floor is a whole number of minutes.",
            "min_value": "The floor is 0 minutes or more.",
            "max_value": "The floor is at most a year (525,600 minutes).",
        },
    )

    def thresholds(self) -> Thresholds:
        data = self.cleaned_data
        factor = DEFAULT_FACTOR if data.get("factor") is None else data["factor"]
        floor = DEFAULT_FLOOR_MINUTES if data.get("floor") is None else data["floor"]
        return Thresholds(factor=factor, floor=timedelta(minutes=floor))


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def stuck(request: EngineRequest) -> HttpResponse:
    form = ThresholdForm(request.GET)
    context: dict = {"form": form, "sample": SAMPLE, "definitions_cap": DEFINITIONS}
    capabilities = request.engine.capabilities
    if not (capabilities.activity_history and capabilities.process_statistics):
        context["unoffered"] = True
    elif form.is_valid():
        thresholds = form.thresholds()
        try:
            report = stuck_instances(request.engine, thresholds, now=timezone.now())
        except EngineError as error:
            context["engine_error"] = error
        else:
            context.update(
                report=report,
                thresholds=thresholds,
                floor_ms=int(thresholds.floor.total_seconds() * 1000),
                rows=[(a, _list_url(request, a)) for a in report.activities],
            )
    return render(request, "trouble/stuck.html", context)


def _list_url(request: EngineRequest, activity: StuckActivity) -> str:
    """The instance list, filtered to that version and activity, in it since before the threshold."""
    moment = timezone.localtime(activity.since_before).replace(tzinfo=None, microsecond=0)
    query = {
        "definition_id": activity.definition.id,
        "activity_id": activity.activity_id,
        "waiting_since_before": moment.isoformat(timespec="seconds"),
    }
    return f"{reverse('instance_list', args=[request.engine_name])}?{urlencode(query)}"


# --- the dashboard's tiles --------------------------------------------------------------------------------


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def jobs_retrying_tile(request: EngineRequest) -> HttpResponse:
    def count() -> dict:
        return {"jobs": request.engine.count_jobs(with_exception=True, no_retries_left=False)}

    return _tile(request, "jobs-retrying", count)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def stuck_tile(request: EngineRequest) -> HttpResponse:
    capabilities = request.engine.capabilities
    if not (capabilities.activity_history and capabilities.process_statistics):
        return render(request, "trouble/_tiles.html#tile-stuck", {"unoffered": True})

    def count() -> dict:
        thresholds = Thresholds(DEFAULT_FACTOR, timedelta(minutes=DEFAULT_FLOOR_MINUTES))
        report = stuck_instances(request.engine, thresholds, now=timezone.now())
        return {"stuck": report.stuck, "activities": len(report.activities)}

    return _tile(request, "stuck", count)


def _tile(request: EngineRequest, name: str, count) -> HttpResponse:
    """As the dashboard's own tiles: cached briefly, counted in the background when slow, failing alone."""
    context: dict = {}
    try:
        context["data"] = cached(f"dashboard:{request.engine_name}:{name}", count)
    except StillCounting:
        context["counting"] = True
    except (EngineUnavailable, EngineTimeout) as error:
        context["unanswered"], context["unreachable"] = error, isinstance(error, EngineUnavailable)
    except EngineError as error:
        context["error"] = error
    return render(request, f"trouble/_tiles.html#tile-{name}", context)
