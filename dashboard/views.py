from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import requires
from accounts.roles import Perm
from cockpit import engines
from cockpit.engines import engine_scoped
from dashboard.health import check_all


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    name = request.session.get("engine")
    if name not in engines.configured():
        name = engines.default_name()
    return redirect("dashboard", engine=name)


@require_GET
@requires(Perm.VIEW)
@engine_scoped
def dashboard(request: HttpRequest) -> HttpResponse:
    # GET /version: the one call that tells whether this engine answers at all.
    version = request.engine.version()
    return render(request, "dashboard/dashboard.html", {"version": version})


@require_GET
@requires(Perm.VIEW)
def health(request: HttpRequest) -> HttpResponse:
    checks = check_all()
    template = "dashboard/health.html#checks" if request.htmx else "dashboard/health.html"
    return render(request, template, {"checks": checks, "healthy": all(c.ok for c in checks)})
