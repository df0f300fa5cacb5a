"""Every page with a "Refresh by itself" switch names regions that the page really has, so the
switch redraws something rather than nothing."""

import re

import pytest

pytestmark = pytest.mark.django_db
INSTANCES = 30


@pytest.mark.parametrize("path", ["/e/demo/instances/", "/e/demo/incidents/", "/e/demo/batches/"])
def test_the_switch_names_regions_the_page_has(viewer_client, engine, path):
    page = viewer_client.get(path).content.decode()
    regions = re.search(r'data-live-regions="([^"]+)"', page).group(1).split()
    assert regions and all(f'id="{region}"' in page for region in regions)


def test_the_instance_page_has_its_switch_and_regions(viewer_client, engine):
    instance = engine.list_instances(limit=1)[0]
    page = viewer_client.get(f"/e/demo/instances/{instance.id}/").content.decode()
    regions = re.search(r'data-live-regions="([^"]+)"', page).group(1).split()
    assert regions == ["instance-facts", "activity-tree", "tab-panel"]
    assert all(f'id="{region}"' in page for region in regions)
