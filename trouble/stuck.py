"""Instances waiting in an activity much longer than that activity usually takes: for each activity
where instances wait, a threshold from its history (the 90th percentile of how long it took, times a
factor, never below a floor), and how many of its running activity instances started before now minus
that threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from definitions.activity_history import durations_of, finished_sample
from engines.base import EngineClient
from engines.fanout import fan_out
from engines.models import ProcessDefinition
from engines.queries import HistoricActivityInstanceQuery
from instances.modify_views import model_of

# Per definition version, the newest ended activity instances its thresholds are taken from.
SAMPLE = 2_000
# The versions looked at, those with the most running instances first.
DEFINITIONS = 25
# Stuck activity instances listed per activity at most (their instances are counted): as many as
# the instance list takes from a filter on when an activity was entered.
LISTED = 1000


@dataclass(frozen=True)
class Thresholds:
    factor: float
    floor: timedelta


@dataclass(frozen=True)
class StuckActivity:
    definition: ProcessDefinition
    activity_id: str
    activity_name: str
    p90_ms: int | None  # None: none of it ended in the sample, so the floor alone is the threshold
    threshold_ms: int
    since_before: datetime  # in it since before this: stuck
    waiting: int  # all of its instances waiting there now
    stuck: int  # instances in it since before since_before (at most LISTED's)

    @property
    def capped(self) -> bool:
        return self.stuck >= LISTED


@dataclass(frozen=True)
class StuckReport:
    activities: list[StuckActivity]  # those with any stuck instance, the most stuck first
    looked_at: int  # definition versions with running instances looked at
    with_running: int  # all of them: more than looked_at when capped

    @property
    def stuck(self) -> int:
        return sum(a.stuck for a in self.activities)


def stuck_instances(engine: EngineClient, thresholds: Thresholds, *, now: datetime) -> StuckReport:
    running = sorted(
        (row for row in engine.definition_statistics() if row.instances and not row.unreadable),
        key=lambda row: -row.instances,
    )
    found: list[StuckActivity] = []
    for row in running[:DEFINITIONS]:
        found += _stuck_in(engine, row.definition or engine.deployed_definition(row.id), thresholds, now)
    found.sort(key=lambda a: (-a.stuck, a.definition.key or "", a.activity_name))
    return StuckReport(found, min(len(running), DEFINITIONS), len(running))


def _stuck_in(
    engine: EngineClient, definition: ProcessDefinition, thresholds: Thresholds, now: datetime
) -> list[StuckActivity]:
    nodes = model_of(engine, definition.id)[0].nodes
    # Where instances wait: not the scopes around them (a subprocess, a multi-instance body), which
    # wait only as long as what runs inside.
    waiting = {
        row.id: row.instances
        for row in engine.activity_statistics(definition.id)
        if row.instances and row.id in nodes and not nodes[row.id].is_scope
    }
    if not waiting:
        return []
    sample, _ = finished_sample(engine, definition.id, since=None, cap=SAMPLE)
    millis: dict[str, list[int]] = {}
    for item in sample:
        if item.activity_id in waiting and item.duration_in_millis is not None:
            millis.setdefault(item.activity_id, []).append(item.duration_in_millis)
    floor_ms = int(thresholds.floor.total_seconds() * 1000)
    limits: dict[str, tuple[int | None, int]] = {}
    for activity_id in waiting:
        durations = durations_of(millis.get(activity_id, ()))
        p90 = durations.p90 if durations else None
        limits[activity_id] = (p90, max(floor_ms, int((p90 or 0) * thresholds.factor)))
    found = fan_out(
        {
            activity_id: lambda activity_id=activity_id, limit=limit: engine.find_historic_activity_instances(
                HistoricActivityInstanceQuery(
                    definition.id,
                    finished=False,
                    activity_id=activity_id,
                    started_before=now - timedelta(milliseconds=limit),
                ),
                limit=LISTED,
            )
            for activity_id, (_, limit) in limits.items()
        }
    )
    # Instances, not activity instances: a multi-instance activity runs several in one instance.
    counts = {
        activity_id: len({item.process_instance_id for item in items if item.process_instance_id})
        for activity_id, items in found.items()
    }
    return [
        StuckActivity(
            definition=definition,
            activity_id=activity_id,
            activity_name=nodes[activity_id].title if activity_id in nodes else activity_id,
            p90_ms=p90,
            threshold_ms=limit,
            since_before=now - timedelta(milliseconds=limit),
            waiting=waiting[activity_id],
            stuck=counts[activity_id],
        )
        for activity_id, (p90, limit) in limits.items()
        if counts[activity_id]
    ]
