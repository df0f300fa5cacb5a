"""The dashboard's pictures: what runs and what fails per process now, and what started, ended and
failed over a window of time. Each is asked of the engine like a tile's number: cached briefly in the
shared cache, one computation at a time (tiles.cached)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from cockpit.templatetags.cockpit import when_tick
from dashboard import tiles
from engines.base import EngineClient
from engines.fanout import fan_out
from engines.queries import HistoricProcessInstanceQuery

# The engine's time filters take whole milliseconds; a bucket ends one before the next begins.
_TICK = timedelta(milliseconds=1)


class Window(StrEnum):
    """How far back the over-time picture looks, as the page's URL spells it."""

    DAY = "24h"
    WEEK = "7d"
    MONTH = "30d"

    @property
    def label(self) -> str:
        return {"24h": "24 h", "7d": "7 days", "30d": "30 days"}[self.value]

    @property
    def buckets(self) -> tuple[int, timedelta]:
        """How many bars, and how long each is."""
        if self is Window.DAY:
            return 24, timedelta(hours=1)
        return (7 if self is Window.WEEK else 30), timedelta(days=1)

    @classmethod
    def of(cls, raw: str | None) -> Window:
        try:
            return cls(raw or cls.WEEK)
        except ValueError:
            return cls.WEEK


@dataclass(frozen=True)
class Slice:
    label: str
    count: int
    query: str  # the list page's filter, as its query string


@dataclass(frozen=True)
class Bucket:
    start: datetime
    end: datetime
    started: int
    ended: int
    incidents: int | None  # None: the engine keeps no history of incidents


@dataclass(frozen=True)
class OverTime:
    window: Window
    buckets: list[Bucket]

    @property
    def totals(self) -> dict[str, int | None]:
        incidents = [b.incidents for b in self.buckets]
        return {
            "started": sum(b.started for b in self.buckets),
            "ended": sum(b.ended for b in self.buckets),
            "incidents": None if None in incidents else sum(i for i in incidents if i is not None),
        }


def running_by_process(engine: EngineClient) -> list[Slice]:
    """Running instances per process (all its versions together), largest first."""
    by_key: dict[str, tuple[str, int]] = {}
    for row in engine.definition_statistics():
        key = (row.definition.key if row.definition else None) or row.id
        title = row.definition.title if row.definition else row.id
        name, count = by_key.get(key, (title, 0))
        by_key[key] = (name, count + row.instances)
    return [
        Slice(name, count, urlencode({"definition_key": key}))
        for key, (name, count) in sorted(by_key.items(), key=lambda i: -i[1][1])
        if count
    ]


def incidents_by_process(engine: EngineClient) -> list[Slice]:
    """Open incidents per process: the incidents tile's own numbers, so that the two agree."""
    summary = tiles.tile(engine, "incidents")
    return [Slice(row.label, row.count, row.query) for row in summary.by_process]


def over_time(engine: EngineClient, window: Window, *, now: datetime | None = None) -> OverTime:
    """Instances started and ended, and incidents raised, per hour or day of the window; the last
    bucket ends at the next whole hour, so that a bucket's numbers keep while it is cached."""
    count, length = window.buckets
    end = (now or timezone.now()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    starts = [end - length * (count - i) for i in range(count)]
    with_incidents = engine.capabilities.incident_history
    calls = {}
    for i, start in enumerate(starts):
        last = start + length - _TICK
        calls[f"started{i}"] = lambda s=start, e=last: engine.count_historic_instances(
            HistoricProcessInstanceQuery(started_after=s, started_before=e)
        )
        calls[f"ended{i}"] = lambda s=start, e=last: engine.count_historic_instances(
            HistoricProcessInstanceQuery(finished_after=s, finished_before=e)
        )
        if with_incidents:
            # The incident history's time filters leave their ends out.
            calls[f"incidents{i}"] = lambda s=start, e=start + length: engine.count_historic_incidents(
                created_after=s - _TICK, created_before=e
            )
    got = fan_out(calls)
    return OverTime(
        window,
        [
            Bucket(
                start,
                start + length,
                got[f"started{i}"],
                got[f"ended{i}"],
                got[f"incidents{i}"] if with_incidents else None,
            )
            for i, start in enumerate(starts)
        ],
    )


# How many colours the slices take turns in (.swatch-N in the stylesheet, which the chart reads).
COLOURS = 8


def picture(engine_name: str, name: str, data: Any) -> dict[str, Any]:
    """What a chart's template and script draw: the same numbers in the legend, the table and the canvas."""
    script_id = f"chart-{name}-canvas"
    if name in ("running", "incidents"):
        page = "instance_list" if name == "running" else "incident_list"
        base = reverse(page, args=[engine_name])
        extra = "" if name == "running" else "&group=on"
        slices = [
            {"label": s.label, "count": s.count, "href": f"{base}?{s.query}{extra}", "color": i % COLOURS}
            for i, s in enumerate(data)
        ]
        title = "Running instances per process" if name == "running" else "Open incidents per process"
        return {
            "title": title,
            "script_id": script_id,
            "slices": slices,
            "empty": "No instance is running." if name == "running" else "No incident is open.",
            "chart_json": json.dumps({"kind": "doughnut", "title": title, "slices": slices}),
        }
    over: OverTime = data
    series = [("started", "Started"), ("ended", "Ended")]
    if over.totals["incidents"] is not None:
        series.append(("incidents", "Incidents"))
    hourly = over.window is Window.DAY
    labels = [when_tick(b.start, hourly=hourly) for b in over.buckets]
    title = f"Started, ended and incidents over the last {over.window.label}"
    return {
        "title": title,
        "script_id": script_id,
        "unit": "hour" if hourly else "day",
        "series": [{"key": key, "label": label, "total": over.totals[key]} for key, label in series],
        "rows": [{"start": b.start, "counts": [getattr(b, key) for key, _ in series]} for b in over.buckets],
        "chart_json": json.dumps(
            {
                "kind": "bar",
                "title": title,
                "labels": labels,
                "series": [
                    {
                        "key": key,
                        "label": label,
                        "counts": [getattr(b, key) for b in over.buckets],
                        "color": i,
                    }
                    for i, (key, label) in enumerate(series)
                ],
            }
        ),
    }


CHARTS = ("running", "incidents", "over-time")


def chart(engine: EngineClient, name: str, window: Window) -> object:
    if name == "running":
        return tiles.cached(
            f"dashboard:{engine.config.name}:chart:running", lambda: running_by_process(engine)
        )
    if name == "incidents":
        return incidents_by_process(engine)
    return tiles.cached(
        f"dashboard:{engine.config.name}:chart:over-time:{window.value}", lambda: over_time(engine, window)
    )
