"""How long each activity of one instance took, from its history, for the diagram (heatmap.js tints
each activity by its share of the longest and writes its duration beside it)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit.engines import EngineRequest, engine_scoped
from cockpit.templatetags.cockpit import duration_text
from engines.errors import EngineError
from engines.models import HistoricActivityInstance
from engines.queries import MAX_PAGE_SIZE

SECTION = "instances/_activity_durations.html"


@dataclass(frozen=True)
class ActivityTime:
    millis: int  # ended runs' durations, and how long a running one has run so far
    runs: int
    running: bool

    @property
    def label(self) -> str:
        spent = duration_text(self.millis)
        if self.runs == 1:
            return f"{'running ' if self.running else ''}{spent}"
        # Runs side by side (a multi-instance) add up to more than the instance's age: said as a sum.
        return f"{self.runs} runs, {spent} together{', still running' if self.running else ''}"


def activity_times(steps: Iterable[HistoricActivityInstance], now: datetime) -> dict[str, ActivityTime]:
    """Per activity: the time its runs took together (a loop or a multi-instance runs it more than once)."""
    found: dict[str, ActivityTime] = {}
    for step in steps:
        if step.unreadable or not step.activity_id or not step.start_time:
            continue
        end = step.end_time
        running = end is None
        if step.duration_in_millis is not None and end is not None:
            millis = step.duration_in_millis
        else:  # running: how long so far
            millis = max(0, int(((end or now) - step.start_time).total_seconds() * 1000))
        before = found.get(step.activity_id, ActivityTime(0, 0, False))
        found[step.activity_id] = ActivityTime(
            before.millis + millis, before.runs + 1, before.running or running
        )
    return found


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def activity_durations(request: EngineRequest, instance_id: str) -> HttpResponse:
    try:
        # Asked first: an id this engine does not know is its NotFound, said in place.
        request.engine.get_historic_instance(instance_id)
        steps = request.engine.historic_activity_instances(instance_id, limit=MAX_PAGE_SIZE)
    except EngineError as error:  # the diagram and the rest of the page stay
        return render(request, f"{SECTION}#durations", {"engine_error": error})
    times = activity_times(steps, timezone.now())
    longest = max((t.millis for t in times.values()), default=0) or 1
    drawn = {
        "measure": "duration",
        "activities": {
            activity_id: {"heat": round(t.millis / longest, 3), "label": t.label}
            for activity_id, t in times.items()
        },
    }
    context = {"drawn": json.dumps(drawn), "cut": len(steps) >= MAX_PAGE_SIZE, "limit": MAX_PAGE_SIZE}
    return render(request, f"{SECTION}#durations", context)
