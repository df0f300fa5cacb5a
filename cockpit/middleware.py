"""Engine failures become a banner that names the engine and its message, never a 500; and what a
signed-in person sees is never cached."""

from __future__ import annotations

import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from engines.errors import EngineError, EngineTimeout, EngineUnavailable, NotFound, UnaddressableName


def engine_error_status(error: EngineError) -> int:
    if isinstance(error, EngineTimeout):
        return 504
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, UnaddressableName):  # refused here, before the engine was asked
        return 400
    return 502


class EngineErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, EngineError):
            return None
        context = {
            "engine_error": exception,
            "unreachable": isinstance(exception, EngineUnavailable),
        }
        if getattr(request, "htmx", False):
            # htmx does not swap error statuses; answer 200 and aim the banner at its slot.
            response = render(request, "errors/engine_banner.html", context)
            response["HX-Retarget"] = "#engine-banner"
            response["HX-Reswap"] = "innerHTML"
            return response
        return render(request, "errors/engine.html", context, status=engine_error_status(exception))


class NoStoreMiddleware:
    """What a signed-in person sees (pages, fragments, exports) is never kept by a browser or a proxy:
    engine data must not outlive the session on a shared machine or in a shared cache. A view that
    says itself how its answer may be kept (a deployed diagram never changes) is left as it says."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


# Set by cockpit.js from the browser's own time zone.
TIME_ZONE_COOKIE = "tz"


class UserTimeZoneMiddleware:
    """Dates are shown in the time zone of the person's browser; an unknown zone name is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.COOKIES.get(TIME_ZONE_COOKIE, "")
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            zone = None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)
