import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def log_in(client, username, password, address):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_page_carries_a_content_security_policy_with_nonces(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_page_scripts_carry_the_policy_nonce(client):
    response = client.get("/accounts/login/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    page = response.content.decode()
    assert page.count("<script") == 3 and page.count(f'nonce="{nonce}"') == 3  # htmx, ours, live refresh


def test_repeated_failed_logins_are_throttled_for_that_user_and_address(client, make_user):
    make_user("Viewer", username="alice")
    for _ in range(5):
        log_in(client, "alice", "wrong", "10.0.0.1")
    locked = log_in(client, "alice", PASSWORD, "10.0.0.1")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()


def test_an_attacker_cannot_lock_out_a_user_by_name_from_another_address(client, make_user):
    make_user("Viewer", username="alice")
    for _ in range(10):
        log_in(client, "alice", "wrong", "10.6.6.6")
    response = log_in(client, "alice", PASSWORD, "10.0.0.1")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_is_answered_next_to_the_form(client, make_user):
    make_user("Viewer", username="alice")
    response = log_in(client, "alice", "wrong", "10.0.0.1")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_an_idle_session_expires(client, settings, make_user):
    make_user("Viewer", username="alice")
    log_in(client, "alice", PASSWORD, "10.0.0.1")
    assert client.get("/health/", follow=False).status_code in (200, 502)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/audit/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_each_request_pushes_the_idle_expiry_forward(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE <= 3600


def test_log_out_takes_a_post_with_csrf(make_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("Viewer"))
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/audit/").status_code == 200


def test_markup_in_a_filter_value_is_escaped(viewer_client):
    response = viewer_client.get("/audit/", {"user": "<script>alert(1)</script>"})
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def _production_env(**overrides):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "cockpit.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 30 + "production-secret-key-with-enough-entropy-9f8e7d",
        "DJANGO_ALLOWED_HOSTS": "cockpit.example.org",
        "DATABASE_URL": "postgres://cockpit:pw@db.example.org/cockpit",
        "REDIS_URL": "redis://redis.example.org:6379/0",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
)
def test_production_refuses_to_start_without_its_secrets(missing):
    result = _manage("check", env=_production_env(**{missing: None}))
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_sqlite():
    result = _manage("check", env=_production_env(DATABASE_URL="sqlite:///x.db"))
    assert "must point at PostgreSQL" in result.stderr


def test_the_deployment_checklist_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def log_in_through_proxy(client, username, password, forwarded_for, proxy="10.9.9.9"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_one_proxy_an_attacker_cannot_lock_out_a_user_from_their_own_address(
    client, make_user, settings
):
    settings.COCKPIT_PROXY_COUNT = 1
    make_user("Viewer", username="alice")
    for _ in range(10):
        log_in_through_proxy(client, "alice", "wrong", "203.0.113.66")
    response = log_in_through_proxy(client, "alice", PASSWORD, "198.51.100.7")
    assert response.status_code == 302 and response["Location"] == "/"


def test_behind_one_proxy_the_attacker_is_locked_out_whatever_address_it_claims(client, make_user, settings):
    """The proxy appends the address it saw; what the client put to the left of it is its own say."""
    settings.COCKPIT_PROXY_COUNT = 1
    make_user("Viewer", username="alice")
    for attempt in range(5):
        log_in_through_proxy(client, "alice", "wrong", f"192.0.2.{attempt}, 203.0.113.66")
    locked = log_in_through_proxy(client, "alice", PASSWORD, "192.0.2.200, 203.0.113.66")
    assert locked.status_code == 429
    assert log_in_through_proxy(client, "alice", PASSWORD, "203.0.113.66, 198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded_for", "remote", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.5", "10.0.0.5"),  # no proxy: the header is anyone's say
        (1, "192.0.2.1", "10.0.0.5", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "10.0.0.5", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.7", "10.0.0.5", "192.0.2.1"),
        (2, "192.0.2.1", "10.0.0.5", "10.0.0.5"),  # fewer entries than proxies: not through them all
        (1, "not-an-address", "10.0.0.5", "10.0.0.5"),
        (1, "", "10.0.0.5", "10.0.0.5"),
        (1, " 2001:db8::1 ", "10.0.0.5", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_nth_forwarded_entry_from_the_right(
    settings, rf, count, forwarded_for, remote, expected
):
    from cockpit.client_address import client_address

    settings.COCKPIT_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == expected


def test_authenticated_pages_and_exports_are_never_stored_by_a_browser_or_proxy(viewer_client):
    for url in ("/audit/", "/e/demo/instances/export.csv", "/no-such-page/"):
        response = viewer_client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), url
        assert "private" in response["Cache-Control"], url


def test_the_not_found_page_names_nothing_internal(viewer_client, settings):
    settings.DEBUG = False
    response = viewer_client.get("/e/demo/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "There is no such page." in page
    assert "Resolver404" not in page and "tried" not in page and "urlpatterns" not in page


def test_a_not_found_raised_by_a_view_keeps_its_message(viewer_client, settings):
    settings.DEBUG = False
    response = viewer_client.get("/e/demo/instances/export.xlsx")
    assert response.status_code == 404 and "Export is to csv or json." in response.content.decode()


def _failing_view(request):
    raise RuntimeError("internal detail: /srv/cockpit/settings.py line 42")


def _urls_with_a_failing_view():
    from django.urls import path

    from cockpit.urls import urlpatterns

    return [*urlpatterns, path("fails/", _failing_view)]


urlpatterns = _urls_with_a_failing_view()


@pytest.mark.urls("tests.test_security")
def test_the_server_error_page_names_nothing_internal(make_user, settings):
    from django.test import Client

    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(make_user("Viewer"))
    response = client.get("/fails/")
    page = response.content.decode()
    assert response.status_code == 500 and "Something went wrong on our side" in page
    assert "RuntimeError" not in page and "internal detail" not in page and "Traceback" not in page
