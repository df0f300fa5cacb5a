from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token (often: the session expired meanwhile)."""
    return render(request, "403_csrf.html", status=403)


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page links, before anyone logs in; the icon is static."""
    # Looked up per request: the production storage knows the file's hashed name only after collectstatic.
    return redirect(static("img/favicon.svg"))
