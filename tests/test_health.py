import httpx
import pytest
import respx

from tests.conftest import ENGINE_URL, OTHER_ENGINE_URL

pytestmark = pytest.mark.django_db


def test_health_shows_each_engines_reachability_and_version(viewer_client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    with respx.mock() as mock:
        mock.get(f"{ENGINE_URL}/version").respond(json={"version": "7.22.0"})
        mock.get(f"{OTHER_ENGINE_URL}/version").mock(side_effect=httpx.ConnectError("refused"))
        response = viewer_client.get("/health/")
    checks = {check.name: check for check in response.context["checks"]}
    assert checks["Engine Demo engine"].ok
    assert checks["Engine Demo engine"].detail == "version 7.22.0"
    assert not checks["Engine staging"].ok
    assert "unreachable" in checks["Engine staging"].detail
    assert not checks["Redis"].ok
    assert not checks["Celery workers"].ok
    assert response.status_code == 200


def test_health_never_shows_a_password_in_a_url():
    from dashboard.health import _safe

    assert _safe("redis://:hunter2@redis:6379/0") == "redis://:•••@redis:6379/0"
