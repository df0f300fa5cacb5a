"""The instance page's tabs come from one registry: the whole page and the htmx panel offer the same
tabs, each drawn by its own partial, and a tab a role may not open is neither offered nor opened."""

import re
from dataclasses import replace

import pytest

from accounts.roles import Perm
from instances.tabs import TABS
from tests.instances.fake_engine import fake_engine

pytestmark = pytest.mark.django_db
PANEL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "tab-panel"}


def tab_links(body: str) -> list[tuple[str, str, bool]]:
    """The tab bar's links: (href, label, whether it is the open tab)."""
    [bar] = re.findall(r'<nav class="tabs" aria-label="Instance details">(.*?)</nav>', body, re.S)
    return [
        (href, label, "aria-current" in attributes)
        for href, attributes, label in re.findall(r'<a href="([^"]+)"(.*?)>([^<]+)</a>', bar, re.S)
    ]


def test_the_page_and_the_panel_offer_the_same_tabs_and_each_link_opens_its_own(client_as):
    client = client_as("Viewer")
    with fake_engine():
        links = tab_links(client.get("/e/demo/instances/pi-1/").content.decode())
        assert [label for _, label, _ in links] == [
            "Variables", "Incidents", "Called instances", "User tasks", "External tasks", "Jobs", "History"
        ]  # fmt: skip
        for href, label, _ in links:
            whole = client.get(href).content.decode()
            panel = client.get(href, **PANEL).content.decode()
            assert "<html" in whole and "<html" not in panel
            for body in (whole, panel):
                assert [(h, la) for h, la, current in tab_links(body) if current] == [(href, label)]
        panel = client.get("/e/demo/instances/pi-1/variables/", **PANEL).content.decode()
    assert 'data-name="amount"' in panel  # drawn by the variables tab's own partial


def test_a_tab_the_role_may_not_open_is_neither_offered_nor_opened(client_as, monkeypatch):
    monkeypatch.setitem(TABS, "jobs", replace(TABS["jobs"], permission=Perm.OPERATE))
    with fake_engine():
        viewer = client_as("Viewer")
        assert "Jobs" not in [
            label for _, label, _ in tab_links(viewer.get("/e/demo/instances/pi-1/").content.decode())
        ]
        assert viewer.get("/e/demo/instances/pi-1/jobs/").status_code == 403
        assert viewer.get("/e/demo/instances/pi-1/jobs/", **PANEL).status_code == 403
        operator = client_as("Operator")
        body = operator.get("/e/demo/instances/pi-1/jobs/").content.decode()
        assert ("/e/demo/instances/pi-1/jobs/", "Jobs", True) in tab_links(body)
