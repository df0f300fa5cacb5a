import re

import httpx
import pytest
import respx

from tests.conftest import ENGINE_URL, OTHER_ENGINE_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine():
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{ENGINE_URL}/version").respond(json={"version": "7.22.0"})
        mock.get(f"{OTHER_ENGINE_URL}/version").respond(json={"version": "1.0.0-operaton"})
        yield mock


def test_home_opens_the_first_engine_and_later_the_last_one_used(viewer_client, engine):
    assert viewer_client.get("/")["Location"] == "/e/demo/"
    viewer_client.get("/e/staging/")
    assert viewer_client.get("/")["Location"] == "/e/staging/"


def test_the_dashboard_names_the_engine_and_loads_its_version_in_a_fragment(viewer_client, engine):
    body = viewer_client.get("/e/demo/").content.decode()
    assert "Demo engine" in body
    assert 'hx-get="/e/demo/tiles/version/"' in body
    assert "7.22.0" in viewer_client.get("/e/demo/tiles/version/").content.decode()


def test_the_layout_has_navigation_engine_selector_user_menu_and_csrf_for_htmx(viewer_client, engine):
    body = viewer_client.get("/e/demo/").content.decode()
    for link in (
        'href="/e/demo/"',
        'href="/e/demo/processes/"',
        'href="/e/demo/instances/"',
        'href="/e/demo/incidents/"',
        'href="/e/demo/batches/"',
        'href="/audit/"',
        'href="/health/"',
    ):
        assert link in body
    assert 'id="engine-selector"' in body
    assert 'data-engine="staging"' in body
    assert "viewer" in body and "Viewer" in body
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert "vendor/htmx/htmx.min.js" in body


def test_the_engine_selector_keeps_the_page_where_it_exists_on_the_other_engine(viewer_client, engine):
    body = viewer_client.get("/e/demo/").content.decode()
    assert re.search(r'<a href="/e/staging/"\s+data-engine="staging"', body)


def test_each_engine_is_asked_with_its_own_credentials(viewer_client, engine):
    viewer_client.get("/e/staging/tiles/version/")
    request = engine.calls.last.request
    assert request.url == f"{OTHER_ENGINE_URL}/version"
    assert request.headers["Authorization"] == "Basic " + "Y29ja3BpdDpzM2NyZXQ="
    assert request.headers["User-Agent"].startswith("engine-cockpit/")


def test_an_unknown_engine_is_not_found(viewer_client):
    response = viewer_client.get("/e/nowhere/")
    assert response.status_code == 404
    assert "No engine named" in response.content.decode()


def test_an_unreachable_engine_shows_a_banner_naming_it_never_a_500(viewer_client):
    with respx.mock() as mock:
        mock.get(f"{ENGINE_URL}/version").mock(side_effect=httpx.ConnectError("Connection refused"))
        response = viewer_client.get("/e/demo/tiles/version/")
    assert response.status_code == 502
    body = response.content.decode()
    assert "The engine is unreachable" in body
    assert "Engine “demo”" in body
    assert "Connection refused" in body


def test_an_engine_that_does_not_answer_in_time_shows_a_timeout_banner(viewer_client):
    with respx.mock() as mock:
        mock.get(f"{ENGINE_URL}/version").mock(side_effect=httpx.ReadTimeout("timed out"))
        response = viewer_client.get("/e/demo/tiles/version/")
    assert response.status_code == 504
    assert "did not answer within 10 s" in response.content.decode()


def test_an_engine_error_shows_the_engines_own_message(viewer_client):
    with respx.mock() as mock:
        mock.get(f"{ENGINE_URL}/version").respond(
            500,
            json={"type": "ProcessEngineException", "message": "Database is on fire", "code": 0},
        )
        body = viewer_client.get("/e/demo/tiles/version/").content.decode()
    assert "Database is on fire" in body
    assert "ProcessEngineException" in body


def test_for_htmx_the_banner_is_aimed_at_its_slot(viewer_client):
    with respx.mock() as mock:
        mock.get(f"{ENGINE_URL}/version").mock(side_effect=httpx.ConnectError("refused"))
        response = viewer_client.get("/e/demo/tiles/version/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#engine-banner"
    assert "The engine is unreachable" in response.content.decode()


def test_the_favicon_is_a_static_file_linked_from_every_page(client, viewer_client, engine):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")  # no login needed: browsers ask before anyone logs in
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
    assert '<link rel="icon" href="/static/img/favicon.svg"' in viewer_client.get("/e/demo/").content.decode()


def test_no_template_comment_spans_lines_where_django_would_print_it():
    """Django's {# #} comments are single-line: one spread over lines is shown to the user as text."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "templates"
    spread = [
        f"{path.relative_to(templates)}:{number}"
        for path in templates.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert spread == []
