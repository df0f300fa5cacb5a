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
    assert response.content.decode().count(f'nonce="{nonce}"') == 2


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
