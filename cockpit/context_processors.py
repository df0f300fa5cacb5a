from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from cockpit import engines


def _switch_url(request: HttpRequest, target: str) -> str:
    """The same page on another engine where that makes sense, else that engine's home.

    Pages about one object (an instance, a batch) keep only their kind: ids belong to one engine.
    """
    match = request.resolver_match
    if match and "engine" in match.kwargs and set(match.kwargs) == {"engine"}:
        try:
            return reverse(match.view_name, kwargs={"engine": target})
        except NoReverseMatch:
            pass
    return reverse("dashboard", kwargs={"engine": target})


def cockpit(request: HttpRequest) -> dict[str, object]:
    configured = engines.configured()
    match = getattr(request, "resolver_match", None)
    current = (match.kwargs.get("engine") if match else None) or request.session.get("engine")
    if current not in configured:
        current = engines.default_name()
    user = getattr(request, "user", None)
    return {
        "engines": [
            {"config": config, "url": _switch_url(request, name), "current": name == current}
            for name, config in configured.items()
        ],
        "current_engine": configured[current],
        "user_roles": (
            [g.name for g in user.groups.all()] if user is not None and user.is_authenticated else []
        ),
    }
