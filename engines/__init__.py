"""The engine service layer: everything about speaking to a workflow engine.

No Django in here. Views and Celery tasks get a client from `build_client` and speak
the dashboard's domain (process instances, activity instances, variables, incidents,
jobs, batches); which engine answers, and how its REST API is spelled, stays inside.
"""

from engines.config import EngineConfig
from engines.errors import (
    EngineError,
    EngineServerError,
    EngineTimeout,
    EngineUnavailable,
    Forbidden,
    InvalidRequest,
    NotFound,
    OptimisticLockingConflict,
)
from engines.factory import build_client
from engines.fanout import fan_out

__all__ = [
    "EngineConfig",
    "EngineError",
    "EngineServerError",
    "EngineTimeout",
    "EngineUnavailable",
    "Forbidden",
    "InvalidRequest",
    "NotFound",
    "OptimisticLockingConflict",
    "build_client",
    "fan_out",
]
