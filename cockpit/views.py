from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import Resolver404
from django.views.decorators.http import require_GET


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token (often: the session expired meanwhile)."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Our views' own Http404 messages are written for people; a URL that matched nothing is only
    "no such page" (Django's default would name the resolver's exception)."""
    ours = isinstance(exception, Http404) and not isinstance(exception, Resolver404)
    message = exception.args[0] if ours and exception.args and isinstance(exception.args[0], str) else ""
    return render(request, "404.html", {"message": message}, status=404)


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page links, before anyone logs in; the icon is static."""
    # Looked up per request: the production storage knows the file's hashed name only after collectstatic.
    return redirect(static("img/favicon.svg"))
