"""COCKPIT_ENGINE_<NAME>_KIND chooses the adapter; Camunda and Flowable engines sit side by side."""

import pytest
import respx
from django.core.exceptions import ImproperlyConfigured

from cockpit.settings import _read_engines
from engines import EngineConfig, build_client
from engines.camunda7.client import Camunda7Client
from engines.flowable.client import FlowableClient
from tests.conftest import ENGINE_URL

FLOWABLE_URL = "http://flowable.test/process-api"


def test_kind_flowable_selects_the_flowable_adapter(monkeypatch):
    monkeypatch.setenv("COCKPIT_ENGINES", "main,flow")
    monkeypatch.setenv("COCKPIT_ENGINE_MAIN_URL", ENGINE_URL)
    monkeypatch.setenv("COCKPIT_ENGINE_FLOW_URL", FLOWABLE_URL + "/")
    monkeypatch.setenv("COCKPIT_ENGINE_FLOW_KIND", "flowable")
    engines = _read_engines()
    assert (engines["main"].kind, engines["flow"].kind) == ("camunda7", "flowable")
    assert engines["flow"].base_url == FLOWABLE_URL
    assert isinstance(build_client(engines["main"]), Camunda7Client)
    assert isinstance(build_client(engines["flow"]), FlowableClient)


def test_an_unknown_kind_is_refused_naming_the_known_ones(monkeypatch):
    monkeypatch.setenv("COCKPIT_ENGINES", "flow")
    monkeypatch.setenv("COCKPIT_ENGINE_FLOW_URL", FLOWABLE_URL)
    monkeypatch.setenv("COCKPIT_ENGINE_FLOW_KIND", "activiti")
    with pytest.raises(ImproperlyConfigured, match="unknown kind 'activiti' \\(known: camunda7, flowable\\)"):
        _read_engines()


@pytest.mark.django_db
def test_the_engine_selector_mixes_camunda_and_flowable_engines(settings, viewer_client):
    settings.ENGINES = {
        "demo": EngineConfig(name="demo", base_url=ENGINE_URL, label="Demo engine"),
        "flow": EngineConfig(name="flow", base_url=FLOWABLE_URL, kind="flowable", label="Flowable orders"),
    }
    with respx.mock(assert_all_called=True) as mock:
        mock.get(f"{ENGINE_URL}/version").respond(json={"version": "7.22.0"})
        mock.get(f"{FLOWABLE_URL}/management/engine").respond(json={"name": "default", "version": "7.2.0"})
        page = viewer_client.get("/e/demo/").content.decode()
        assert 'data-engine="flow"' in page and "Flowable orders" in page
        assert "7.22.0" in viewer_client.get("/e/demo/tiles/version/").content.decode()
        assert "7.2.0" in viewer_client.get("/e/flow/tiles/version/").content.decode()
