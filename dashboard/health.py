"""Is everything the dashboard leans on up? Engines, Redis and Celery workers, checked at once."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import redis
from django.conf import settings

from cockpit import engines
from cockpit.celery import app as celery_app
from engines import fan_out
from engines.config import EngineConfig
from engines.fanout import Failed

PROBE_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    millis: float | None = None
    target: str = ""


def _timed(probe):
    def run():
        started = time.perf_counter()
        detail = probe()
        return detail, (time.perf_counter() - started) * 1000

    return run


def _engine_probe(config: EngineConfig):
    return _timed(lambda: f"version {engines.client(config.name).version().version}")


def _redis_probe():
    connection = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        info = connection.info("server")
    finally:
        connection.close()
    return f"Redis {info.get('redis_version', '?')}"


def _workers_probe():
    replies = celery_app.control.inspect(timeout=1.0).ping() or {}
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return f"{len(replies)} worker(s): {', '.join(sorted(replies))}"


def check_all() -> list[Check]:
    configs = engines.configured()
    probes = {f"engine:{name}": _engine_probe(config) for name, config in configs.items()}
    probes["redis"] = _timed(_redis_probe)
    probes["workers"] = _timed(_workers_probe)
    results = fan_out(probes, keep_failures=True)

    checks = []
    for key, result in results.items():
        kind, _, engine_name = key.partition(":")
        if engine_name:
            config = configs[engine_name]
            name, target = f"Engine {config.title}", config.base_url
        else:
            name = {"redis": "Redis", "workers": "Celery workers"}[kind]
            target = settings.REDIS_URL if kind == "redis" else settings.CELERY_BROKER_URL
        if isinstance(result, Failed):
            error = result.error
            checks.append(
                Check(
                    name,
                    False,
                    getattr(error, "message", None) or str(error) or type(error).__name__,
                    target=_safe(target),
                )
            )
        else:
            detail, millis = result
            checks.append(Check(name, True, detail, millis, target=_safe(target)))
    return checks


def _safe(url: str) -> str:
    """A URL fit to show: without the password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":•••@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
