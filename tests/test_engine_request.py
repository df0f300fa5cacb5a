"""A view under /e/<engine>/ is handed an EngineRequest: the engine's pooled client and its name."""

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from cockpit.engines import EngineRequest, client, engine_scoped


@engine_scoped
def seen(request: EngineRequest) -> HttpResponse:
    return HttpResponse(f"{request.engine_name} {request.engine.config.base_url}")


def scoped_request():
    request = RequestFactory().get("/")
    request.session = {}
    return request


def test_an_engine_scoped_view_gets_the_named_engines_client_and_name_and_remembers_it():
    request = scoped_request()
    assert seen(request, engine="staging").content.decode() == "staging http://other-engine.test/engine-rest"
    assert request.engine is client("staging") and request.session["engine"] == "staging"


def test_an_engine_that_is_not_configured_is_not_found_and_not_remembered():
    request = scoped_request()
    with pytest.raises(Http404):
        seen(request, engine="nowhere")
    assert request.session == {}
