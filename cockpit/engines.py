"""The configured engines, and one client per engine and process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.signals import setting_changed
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from engines import EngineConfig, build_client
from engines.base import EngineClient

_clients: dict[str, EngineClient] = {}
_lock = threading.Lock()


def configured() -> dict[str, EngineConfig]:
    return settings.ENGINES


def default_name() -> str:
    return next(iter(configured()))


def client(name: str) -> EngineClient:
    """The pooled client of a configured engine; raises KeyError for an unknown name."""
    config = configured()[name]
    with _lock:
        existing = _clients.get(name)
        if existing is None or existing.config != config:
            existing = _clients[name] = build_client(config)
        return existing


def _forget_clients(*, setting: str, **_: Any) -> None:
    if setting == "ENGINES":
        with _lock:
            _clients.clear()


setting_changed.connect(_forget_clients)


class EngineRequest(HttpRequest):
    """A request to a view under /e/<engine>/, as engine_scoped hands it on: the engine's client and
    its name are on it (and django-htmx's details, as on every request). For type hints only."""

    engine: EngineClient
    engine_name: str
    htmx: HtmxDetails


def engine_scoped(view: Callable[..., Any]) -> Callable[..., Any]:
    """For views under /e/<engine>/: puts the engine on the request, 404 for unknown names.

    The engine last used is remembered in the session, so / opens it again.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, engine: str, *args: Any, **kwargs: Any) -> Any:
        if engine not in configured():
            raise Http404(f"No engine named {engine!r} is configured.")
        scoped = cast(EngineRequest, request)
        scoped.engine, scoped.engine_name = client(engine), engine
        request.session["engine"] = engine
        return view(scoped, *args, **kwargs)

    return wrapper
