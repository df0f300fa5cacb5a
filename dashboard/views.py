from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from batches.models import Operation
from cockpit import engines
from cockpit.engines import EngineRequest, engine_scoped
from dashboard import charts, tiles
from dashboard.health import check_all
from engines.errors import EngineError, EngineTimeout, EngineUnavailable


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    name = request.session.get("engine")
    if name not in engines.configured():
        name = engines.default_name()
    return redirect("dashboard", engine=name)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def dashboard(request: EngineRequest) -> HttpResponse:
    """The shell at once, with the numbers already counted; each other number and each picture
    arrives in its own fragment (dashboard_tile, dashboard_chart)."""
    counted = tiles.counted(request.engine)
    window = charts.Window.of(request.GET.get("window"))
    context: dict = {
        "tiles": [(name, counted.get(name)) for name in tiles.TILES],
        "charts": charts.CHARTS,
        "window": window,
    }
    if "batches" in counted:
        context["operations"] = _operations_under_way(request)
    return render(request, "dashboard/dashboard.html", context)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def dashboard_tile(request: EngineRequest, name: str) -> HttpResponse:
    if name not in tiles.TILES:
        raise Http404(f"No dashboard tile named {name!r}.")
    context: dict = {"name": name}
    try:
        context["data"] = tiles.tile(request.engine, name)
    except tiles.StillCounting:
        context["counting"] = True
    except (EngineUnavailable, EngineTimeout) as error:
        # The engine itself is not answering: said once, in the page's banner; the tile only degrades.
        context["unanswered"], context["unreachable"] = error, isinstance(error, EngineUnavailable)
    except EngineError as error:  # one tile's failure is shown in that tile; the others load on
        context["error"] = error
    if name == "batches" and "data" in context:
        context["operations"] = _operations_under_way(request)
    return render(request, f"dashboard/dashboard.html#tile-{name}", context)


def _operations_under_way(request: EngineRequest) -> int:
    return Operation.objects.filter(engine=request.engine_name).exclude(status__in=Operation.FINISHED).count()


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def dashboard_chart(request: EngineRequest, name: str) -> HttpResponse:
    if name not in charts.CHARTS:
        raise Http404(f"No dashboard chart named {name!r}.")
    window = charts.Window.of(request.GET.get("window"))
    context: dict = {"name": name, "window": window, "windows": list(charts.Window)}
    capabilities = request.engine.capabilities
    if name == "running" and not capabilities.process_statistics:
        context["not_offered"] = "This engine does not count running instances per process."
    elif name == "incidents" and not capabilities.process_statistics:
        context["not_offered"] = "This engine does not count incidents per process."
    else:
        try:
            context["picture"] = charts.picture(
                request.engine_name, name, charts.chart(request.engine, name, window)
            )
        except tiles.StillCounting:
            context["counting"] = True
        except EngineError as error:  # the picture gives way to the engine's message; the page stays
            context["error"] = error
    if name == "over-time" and not capabilities.incident_history:
        context["no_incident_history"] = True
    return render(request, f"dashboard/dashboard.html#chart-{name}", context)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def engine_version(request: EngineRequest) -> HttpResponse:
    # The one call that tells whether this engine answers at all.
    return render(request, "dashboard/dashboard.html#version", {"version": request.engine.version()})


@require_GET
@requires(Perm.VIEW)
def health(request: HttpRequest) -> HttpResponse:
    checks = check_all()
    template = "dashboard/health.html#checks" if request.htmx else "dashboard/health.html"
    return render(request, template, {"checks": checks, "healthy": all(c.ok for c in checks)})
