"""How often and how long each activity of a definition ran, from the engine's history: the counts of
its activity instances (finished, cancelled, running) and the percentiles of how long the finished
ones took, from a capped sample of the newest. The heatmap and the stuck instances both read it."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from engines.base import EngineClient
from engines.fanout import fan_out
from engines.models import HistoricActivityInstance
from engines.queries import MAX_PAGE_SIZE, HistoricActivityInstanceQuery

# The newest finished activity instances the durations are taken from: enough for steady percentiles,
# few enough pages to ask for at once.
SAMPLE = 10_000


@dataclass(frozen=True)
class Durations:
    """Milliseconds: the median, the 90th percentile and the longest of `count` finished ones."""

    count: int
    p50: int
    p90: int
    max: int


@dataclass(frozen=True)
class ActivityHistory:
    id: str
    name: str
    finished: int = 0  # the cancelled ones included
    canceled: int = 0
    running: int = 0
    durations: Durations | None = None  # None: none finished in the sample

    @property
    def ran(self) -> int:
        """How often it ran: each activity instance, ended or still running."""
        return self.finished + self.running


@dataclass(frozen=True)
class DefinitionHistory:
    activities: list[ActivityHistory]
    sampled: int  # finished activity instances the durations are based on
    finished_in_window: int  # all of them: more than sampled when the sample is capped

    @property
    def capped(self) -> bool:
        return self.finished_in_window > self.sampled


def percentile(ordered: list[int], share: float) -> int:
    """The nearest-rank percentile of an ascending, non-empty list."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def durations_of(millis: Iterable[int]) -> Durations | None:
    ordered = sorted(millis)
    if not ordered:
        return None
    return Durations(len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.9), ordered[-1])


def finished_sample(
    engine: EngineClient, definition_id: str, *, since: datetime | None, cap: int = SAMPLE
) -> tuple[list[HistoricActivityInstance], int]:
    """The newest finished activity instances (at most cap) ended after `since`, and how many there are."""
    query = HistoricActivityInstanceQuery(definition_id, finished=True, finished_after=since)
    total = engine.count_historic_activity_instances(query)
    wanted = min(total, cap)

    def page(offset: int) -> Callable[[], list[HistoricActivityInstance]]:
        limit = min(MAX_PAGE_SIZE, wanted - offset)
        return lambda: engine.find_historic_activity_instances(query, offset=offset, limit=limit)

    pages = fan_out({str(offset): page(offset) for offset in range(0, wanted, MAX_PAGE_SIZE)})
    return [item for offset in sorted(pages, key=int) for item in pages[offset]], total


def definition_history(
    engine: EngineClient, definition_id: str, *, since: datetime | None, names: dict[str, str]
) -> DefinitionHistory:
    """Per activity (named from the diagram where `names` knows it), of the instances started or
    activity instances finished since the moment given (all time without one)."""
    # One after the other: the sample fans its pages out itself, and fan-outs never nest (one shared pool).
    statistics = engine.historic_activity_statistics(definition_id, started_after=since)
    sample, finished_in_window = finished_sample(engine, definition_id, since=since)
    millis: dict[str, list[int]] = {}
    for item in sample:
        if item.activity_id and item.duration_in_millis is not None and not item.unreadable:
            millis.setdefault(item.activity_id, []).append(item.duration_in_millis)
    rows = {
        row.id: ActivityHistory(
            row.id, names.get(row.id, row.id), row.finished, row.canceled, row.instances,
            durations_of(millis.get(row.id, ())),
        )
        for row in statistics
        if not row.unreadable
    }  # fmt: skip
    # An activity whose instances all belong to instances started before the window still has durations.
    for activity_id, values in millis.items():
        if activity_id not in rows:
            rows[activity_id] = ActivityHistory(
                activity_id, names.get(activity_id, activity_id), durations=durations_of(values)
            )
    return DefinitionHistory(
        sorted(rows.values(), key=lambda a: (-a.ran, a.name)), len(sample), finished_in_window
    )
