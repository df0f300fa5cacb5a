"""Every page asks for a login: walk all URL patterns as an anonymous visitor."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages an anonymous visitor must reach to be able to log in at all.
PUBLIC = {"login", "logout", "admin:login", "javascript-catalog", "favicon"}

SAMPLE_ARGUMENTS = {"engine": "demo", "pk": "1"}


def all_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from all_patterns(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (
                prefix + str(pattern.pattern),
                f"{namespace}{pattern.name}" if pattern.name else None,
            )


def concrete_path(route: str) -> str:
    """A path for a route, with sample values for its parameters."""

    def fill(match):
        return SAMPLE_ARGUMENTS.get(match.group(2), "x1")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


# The admin guards itself with its own login page; it has a test of its own below.
ROUTES = [
    (route, name) for route, name in all_patterns() if name not in PUBLIC and not route.startswith("admin/")
]


def test_the_walk_finds_the_dashboard_pages():
    names = {name for _, name in ROUTES}
    assert {"home", "dashboard", "health", "audit_log"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[r for r, _ in ROUTES])
def test_every_page_redirects_an_anonymous_visitor_to_log_in(client, route, name):
    path = concrete_path(route)
    response = client.get(path)
    assert response.status_code == 302, f"{path} answered {response.status_code}"
    assert "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/", "/admin/auth/user/", "/admin/audit/auditentry/"])
def test_the_admin_sends_an_anonymous_visitor_to_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
