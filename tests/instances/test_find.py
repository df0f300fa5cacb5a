"""The header's search, as the server answers it: every engine asked, one failing engine said on its
own line while the others answer, and what was typed shown back as text."""

import re

import pytest

from engines.config import EngineConfig
from engines.queries import HistoricProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 120


@pytest.fixture
def with_a_broken_engine(settings, on_demo):
    settings.ENGINES = {
        "demo": EngineConfig(
            name="demo", base_url=on_demo.url, username="demo", password="demo-pw", label="Production"
        ),
        # Nothing listens there: every call is refused at once.
        "broken": EngineConfig(
            name="broken", base_url="http://127.0.0.1:9", label="Broken", connect_timeout=0.5
        ),
    }


def test_an_engine_that_fails_gets_its_own_line_and_the_others_still_answer(
    viewer_client, with_a_broken_engine, engine
):
    (instance,) = engine.list_instances(limit=1)
    response = viewer_client.get("/find/", {"q": instance.id})
    body = response.content.decode()
    assert response.status_code == 200  # not straight there: the broken engine might have had it too
    assert "Broken could not be searched:" in body
    assert f'href="/e/demo/instances/{instance.id}/"' in body
    assert "1 match for" in body


def test_one_match_everywhere_goes_straight_to_it(viewer_client, on_demo, engine):
    (instance,) = engine.list_instances(limit=1)
    response = viewer_client.get("/find/", {"q": instance.id})
    assert response.status_code == 302
    assert response["Location"] == f"/e/demo/instances/{instance.id}/"


def test_a_business_key_of_several_instances_lists_each(viewer_client, on_demo, engine):
    found = engine.list_historic_instances(HistoricProcessInstanceQuery(), limit=500)
    counts: dict[str, int] = {}
    for h in found:
        counts[h.business_key] = counts.get(h.business_key, 0) + 1
    key = next(k for k, n in counts.items() if k and n > 1)
    body = viewer_client.get("/find/", {"q": key}).content.decode()
    assert f"{counts[key]} matches for “{key}”" in body
    assert len(re.findall(r'href="/e/demo/instances/[^"]+/"', body)) == counts[key]


def test_what_was_typed_is_shown_as_text(viewer_client, on_demo):
    body = viewer_client.get("/find/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "Nothing found for “&lt;script&gt;alert(1)&lt;/script&gt;”" in body


def test_a_user_without_a_role_finds_nothing(client_as, on_demo):
    assert client_as(None).get("/find/", {"q": "loan"}).status_code == 403


def test_the_box_is_in_the_header_of_every_page(viewer_client, on_demo):
    for path in ("/e/demo/", "/e/demo/instances/", "/audit/"):
        body = viewer_client.get(path).content.decode()
        assert 'action="/find/" role="search" class="site-search"' in body
