"""The dashboard's numbers: each computed on its own, cached briefly, and never asked twice at once.

On large engines the statistics queries behind some numbers take a long time (Cockpit's pages
are known to hang on them). So each tile waits only a few seconds for its number; a slower
query keeps running in the background and fills the cache, and the tile asks again a little
later. Whoever asks meanwhile waits on the same query instead of starting another one, in this
process or in any other: the numbers and the guard live in the shared cache (Redis, see settings).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

from engines.base import EngineClient
from engines.errors import EngineError
from engines.fanout import fan_out
from engines.queries import ProcessInstanceQuery

log = logging.getLogger(__name__)
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dashboard-tile")
_running: dict[str, Future] = {}
_lock = threading.Lock()


# How long a failed number is remembered: the tile's next look shows the failure instead of asking
# the engine again and saying "still counting" over an engine that does not answer.
FAILURE_SECONDS = 15


class StillCounting(Exception):
    """The number is not there yet; its query goes on."""


@dataclass(frozen=True)
class _Failed:
    error: EngineError


# How long the guard of a running query is held at most: longer than any query may take within the
# engine's timeouts, so that it ends with its query; a process that dies holding it delays the number
# by this much at worst, and then another process asks again.
GUARD_SECONDS = 120
# How often a process that waits on another process's query looks whether its answer has landed.
POLL_SECONDS = 0.05


def cached(key: str, compute: Callable[[], Any]) -> Any:
    """The cached value, or the value of the one running computation, waited for a bounded time;
    a computation that failed a moment ago raises its error again.

    One computation per key runs at a time among all processes sharing the cache: whoever takes the
    guard (an atomic add, SET NX PX in Redis) computes in the background; a process that finds the
    guard taken reads the value from the cache when it lands."""
    try:
        found = _found(key)
    except RedisError as error:
        # Without the shared cache the number is still worth having: asked by this process alone.
        log.warning("the shared cache is unreachable (%s): %s is asked without it", error, key)
        return compute()
    if found is not None:
        return found
    deadline = time.monotonic() + settings.COCKPIT_DASHBOARD_WAIT_SECONDS
    with _lock:
        future = _running.get(key)
        if future is None and cache.add(_guard(key), True, GUARD_SECONDS):
            future = _running[key] = _POOL.submit(_compute, key, compute)
    if future is not None:
        try:
            return future.result(timeout=settings.COCKPIT_DASHBOARD_WAIT_SECONDS)
        except TimeoutError:
            raise StillCounting(key) from None
    # Another process computes it: its answer lands in the cache.
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = _found(key)
        if found is not None:
            return found
    raise StillCounting(key)


def _found(key: str) -> Any:
    found = cache.get(key)
    if isinstance(found, _Failed):
        raise found.error
    return found


def _guard(key: str) -> str:
    return f"{key}:computing"


def _compute(key: str, compute: Callable[[], Any]) -> Any:
    try:
        # Another process may have stored it and let the guard go just before this one took it.
        landed = cache.get(key)
        if landed is not None and not isinstance(landed, _Failed):
            return landed
        value = compute()
        cache.set(key, value, settings.COCKPIT_DASHBOARD_CACHE_SECONDS)
        return value
    except EngineError as error:
        cache.set(key, _Failed(error), FAILURE_SECONDS)
        raise
    finally:
        # The value (or failure) is in the cache before the guard goes: a waiter never sees neither.
        cache.delete(_guard(key))
        with _lock:
            _running.pop(key, None)


@dataclass(frozen=True)
class Counted:
    label: str
    count: int
    query: str  # the filter, as the list page's query string


@dataclass(frozen=True)
class IncidentSummary:
    total: int
    by_type: list[Counted] = field(default_factory=list)
    by_process: list[Counted] = field(default_factory=list)


def running_instances(engine: EngineClient) -> dict[str, int]:
    return fan_out(
        {
            "running": lambda: engine.count_instances(),
            "suspended": lambda: engine.count_instances(ProcessInstanceQuery(suspended=True)),
            "with_incidents": lambda: engine.count_instances(ProcessInstanceQuery(with_incident=True)),
        }
    )


def open_incidents(engine: EngineClient) -> IncidentSummary:
    got = fan_out(
        {
            "total": lambda: engine.count_incidents(),
            # Per definition, with its open incidents by type
            "statistics": lambda: engine.definition_statistics(),
        }
    )
    by_type: dict[str, int] = {}
    by_process: dict[str, tuple[str, int]] = {}
    for row in got["statistics"]:
        key = row.definition.key if row.definition else row.id
        title = row.definition.title if row.definition else row.id
        for incident in row.incidents:
            kind = incident.incident_type or "unknown"
            by_type[kind] = by_type.get(kind, 0) + incident.incident_count
            name, count = by_process.get(key, (title, 0))
            by_process[key] = (name, count + incident.incident_count)
    return IncidentSummary(
        total=got["total"],
        by_type=[
            Counted(k, n, f"incident_type={k}") for k, n in sorted(by_type.items(), key=lambda i: -i[1])
        ],
        by_process=[
            Counted(name, n, f"process={key}")
            for key, (name, n) in sorted(by_process.items(), key=lambda i: -i[1][1])
            if n
        ],
    )


# The newest definitions are read to tell keys from tenants up to this many; beyond, the number stands alone.
DEFINITIONS_READ_AT_MOST = 500


def deployed_definitions(engine: EngineClient) -> dict[str, int]:
    """The newest definition of each key in each tenant (the processes page's rows), and how many
    keys and tenants those are: five definitions may be three processes deployed to two tenants."""
    got = fan_out(
        {
            "processes": lambda: engine.count_definitions(latest_version=True),
            "versions": lambda: engine.count_definitions(),
            "latest": lambda: engine.list_definitions(latest_version=True, limit=DEFINITIONS_READ_AT_MOST),
        }
    )
    latest = got.pop("latest")
    if len(latest) >= got["processes"]:
        got["keys"] = len({d.key for d in latest})
        got["tenants"] = len({d.tenant_id for d in latest if d.tenant_id})
    return got


def running_batches(engine: EngineClient) -> dict[str, int]:
    return {"batches": engine.count_batches()}


TILES: dict[str, Callable[[EngineClient], Any]] = {
    "instances": running_instances,
    "incidents": open_incidents,
    "definitions": deployed_definitions,
    "batches": running_batches,
}


def tile(engine: EngineClient, name: str) -> Any:
    return cached(_key(engine, name), lambda: TILES[name](engine))


def counted(engine: EngineClient) -> dict[str, Any]:
    """The numbers the shared cache holds right now, by tile, without asking the engine: the page
    draws them at once instead of sending the browser back for each (a failure is left to its tile)."""
    try:
        found = cache.get_many([_key(engine, name) for name in TILES])
    except RedisError:
        return {}
    return {
        name: found[_key(engine, name)]
        for name in TILES
        if _key(engine, name) in found and not isinstance(found[_key(engine, name)], _Failed)
    }


def _key(engine: EngineClient, name: str) -> str:
    return f"dashboard:{engine.config.name}:{name}"
