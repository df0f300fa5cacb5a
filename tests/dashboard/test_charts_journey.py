"""In headless Chromium, at a laptop's and a small screen's size: the dashboard's pictures draw, say
the engine's numbers, open the list a slice counts when it is clicked, and change with the window."""

import re
from pathlib import Path

import pytest

from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [{"width": 1440, "height": 900}, {"width": 1024, "height": 768}]


def drawn(page, chart: str):
    """The chart's canvas once Chart.js has drawn it."""
    # Looked up afresh each time: a picture still being counted comes back as a new fragment. The
    # wait is generous for a machine under load; nothing here is timed.
    page.wait_for_function(
        "id => document.querySelector(`#chart-${id} canvas`)?.dataset.drawn === 'true'",
        arg=chart,
        timeout=60_000,
    )
    return page.locator(f"#chart-{chart} canvas")


def legend(page, chart: str) -> list[tuple[str, int]]:
    items = page.locator(f"#chart-{chart} .chart-legend li")
    return [
        (
            item.get_by_role("link").inner_text(),
            int(item.locator(".slice-count").inner_text().replace(",", "")),
        )
        for item in items.all()
    ]


def click_slice(page, canvas, index: int) -> None:
    """A mouse click in the middle of the slice, where a user points at it (scrolled to first, as a user
    does: on a small screen the charts sit below the fold)."""
    canvas.scroll_into_view_if_needed()
    at = canvas.evaluate(
        "(c, i) => { const p=c.chart.getDatasetMeta(0).data[i].tooltipPosition(); return {x: p.x, y: p.y} }",
        index,
    )
    box = canvas.bounding_box()
    x, y = box["x"] + at["x"], box["y"] + at["y"]
    size = page.viewport_size
    assert 0 <= x < size["width"] and 0 <= y < size["height"], (
        "the slice is in the window, where a click lands"
    )
    page.mouse.click(x, y)


def counted(page) -> int:
    # The count arrives in a fragment of its own, which replaces the element.
    page.wait_for_function(
        "() => /\\d+ matching/.test(document.querySelector('#count')?.textContent ?? '')", timeout=60_000
    )
    return int(re.search(r"([\d,]+) matching", page.locator("#count").inner_text()).group(1).replace(",", ""))


def serious_violations(page) -> list[str]:
    page.evaluate(AXE.read_text())  # run in the page by the browser's driver, not as a page script
    found = page.evaluate(
        "async () => (await axe.run()).violations"
        ".map(v => [v.impact, v.id, v.nodes.map(n => n.target.join(' '))])"
    )
    return [f"{impact} {rule}: {where}" for impact, rule, where in found if impact in ("serious", "critical")]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_a_slice_of_running_instances_opens_the_list_of_its_process(
    page, live_server, log_in, make_user, on_demo, engine, size, tmp_path
):
    make_user("Viewer", username="vera")
    page.set_viewport_size(size)
    log_in("vera", PASSWORD)
    canvas = drawn(page, "running")
    drawn(page, "incidents")
    drawn(page, "over-time")
    page.screenshot(path=tmp_path / f"dashboard-{size['width']}.png", full_page=True)
    assert no_sideways_scroll(page)
    assert serious_violations(page) == []
    assert page.policy_violations == []

    slices = legend(page, "running")
    by_name = {}
    for definition in engine.list_definitions(latest_version=True, limit=50):
        by_name[definition.title] = engine.count_instances(
            ProcessInstanceQuery(process_definition_key=definition.key)
        )
    assert slices == sorted(((n, c) for n, c in by_name.items() if c), key=lambda s: -s[1])
    assert sum(count for _, count in slices) == engine.count_instances()

    _, count = slices[1]
    click_slice(page, canvas, 1)
    page.wait_for_url(re.compile(r"/e/demo/instances/\?definition_key="))
    assert counted(page) == count


def test_a_slice_of_incidents_opens_the_incidents_of_its_process(
    page, live_server, log_in, make_user, on_demo, engine
):
    make_user("Viewer", username="vera")
    page.set_viewport_size(SIZES[0])
    log_in("vera", PASSWORD)
    canvas = drawn(page, "incidents")
    slices = legend(page, "incidents")
    assert sum(count for _, count in slices) == engine.count_incidents()
    name, count = slices[0]
    click_slice(page, canvas, 0)
    page.wait_for_url(re.compile(r"/e/demo/incidents/\?process="))
    assert counted(page) == count
    assert page.get_by_text(re.compile(rf"Process.*{re.escape(name)}|{re.escape(name)}")).first.is_visible()


def test_the_window_chosen_changes_the_picture_over_time(page, live_server, log_in, make_user, on_demo):
    make_user("Viewer", username="vera")
    page.set_viewport_size(SIZES[1])
    log_in("vera", PASSWORD)
    canvas = drawn(page, "over-time")
    assert canvas.evaluate("c => c.chart.data.labels.length") == 7
    page.get_by_role("navigation", name="Time window").get_by_role("link", name="30 days").click()
    page.wait_for_url(re.compile(r"window=30d"))
    canvas = drawn(page, "over-time")
    assert canvas.evaluate("c => c.chart.data.labels.length") == 30
    assert page.get_by_role("heading", name=re.compile("over the last 30 days")).is_visible()
    shown = int(page.locator("#chart-over-time .total-started").inner_text().replace(",", ""))
    assert canvas.evaluate("c => c.chart.data.datasets[0].data.reduce((a, b) => a + b, 0)") == shown
    page.get_by_role("navigation", name="Time window").get_by_role("link", name="24 h").click()
    canvas = drawn(page, "over-time")
    assert canvas.evaluate("c => c.chart.data.labels.length") == 24
    assert no_sideways_scroll(page)
