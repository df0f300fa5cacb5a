from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token (often: the session expired meanwhile)."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Our views' own Http404 messages are written for people; a URL that matched nothing is only
    "no such page" (Django's default would name the resolver's exception)."""
    ours = isinstance(exception, Http404) and not isinstance(exception, Resolver404)
    message = exception.args[0] if ours and exception.args and isinstance(exception.args[0], str) else ""
    return render(request, "404.html", {"message": message}, status=404)
