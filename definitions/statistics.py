"""Instance and incident counts per process, from the engine's definition statistics (cached briefly)."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.tiles import cached
from engines.base import EngineClient


@dataclass(frozen=True)
class Counts:
    instances: int = 0
    incidents: int = 0
    versions: int = 0


def counts_by_key(engine: EngineClient) -> dict[tuple[str, str], Counts]:
    """(key, tenant) -> counts over all versions. One statistics query, shared with the dashboard's cache."""

    def compute() -> dict[tuple[str, str], Counts]:
        totals: dict[tuple[str, str], Counts] = {}
        for row in engine.definition_statistics():
            definition = row.definition
            key = (definition.key or row.id, definition.tenant_id or "") if definition else (row.id, "")
            before = totals.get(key, Counts())
            totals[key] = Counts(
                instances=before.instances + row.instances,
                incidents=before.incidents + sum(i.incident_count for i in row.incidents),
                versions=before.versions + 1,
            )
        return totals

    return cached(f"definition-statistics:{engine.config.name}", compute)
