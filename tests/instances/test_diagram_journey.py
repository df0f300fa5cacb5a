"""The diagram in headless Chromium: fitted to the process, sized by its shape, zoomable, its badges
clear of the labels, and a call activity leading to what it called and back."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engines.queries import ProcessInstanceQuery
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INSTANCES = 120
SIZES = [(1440, 900), (1024, 768)]

# Scripts of other features draw on a diagram once it is ready: keep what the page hands them.
LISTEN = """
window.__ready = [];
window.__viewers = {};
document.addEventListener("cockpit:diagram-ready", (event) => {
  const { viewer, container } = event.detail;
  window.__viewers[container.id] = viewer;
  window.__ready.push({ id: container.id, shapes: viewer.get("elementRegistry").getAll().length });
});
"""

# What the canvas shows: its viewbox, and the elements (shapes, labels, flows) outside it.
VIEW = """
(id) => {
  const viewer = window.__viewers[id];
  const canvas = viewer.get("canvas");
  const box = canvas.viewbox();
  const outside = viewer.get("elementRegistry").filter((element) => element.parent).filter((element) => {
    const points = element.waypoints || [
      { x: element.x, y: element.y }, { x: element.x + element.width, y: element.y + element.height },
    ];
    const [right, bottom] = [box.x + box.width, box.y + box.height];
    return points.some((p) => p.x < box.x || p.y < box.y || p.x > right || p.y > bottom);
  });
  return { zoom: canvas.zoom(), inner: box.inner, outer: box.outer, outside: outside.map((e) => e.id) };
}
"""

# Every badge's rectangle against every label's text, on the screen.
COVERED = """
(id) => {
  const container = document.getElementById(id);
  const texts = [...container.querySelectorAll("svg text")].filter((t) => t.textContent.trim());
  const covered = [];
  for (const badge of container.querySelectorAll(".diagram-badge")) {
    const b = badge.getBoundingClientRect();
    for (const text of texts) {
      const t = text.getBoundingClientRect();
      if (b.left < t.right && t.left < b.right && b.top < t.bottom && t.top < b.bottom) {
        covered.push(`${badge.title} covers "${text.textContent}"`);
      }
    }
  }
  return { badges: container.querySelectorAll(".diagram-badge").length, covered };
}
"""


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page, *selectors: str) -> list[str]:
    """axe-core's serious and critical findings within the given parts of the page."""
    page.evaluate(AXE.read_text())  # evaluated by the browser's devtools: the page's CSP does not apply
    found = page.evaluate(
        "async (selectors) => (await axe.run({ include: selectors.map((s) => [s]) })).violations"
        ".filter((v) => ['serious', 'critical'].includes(v.impact))"
        ".map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)",
        list(selectors),
    )
    return found


def open_instance(page, live_server, instance_id: str, title: str):
    page.goto(f"{live_server.url}/e/demo/instances/?instance_ids={instance_id}")
    page.get_by_role("row", name=re.compile(instance_id)).get_by_text(title).click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")


def assert_fitted(page, container_id: str):
    view = page.evaluate(VIEW, container_id)
    assert view["outside"] == []  # every shape, label and flow in view
    inner, outer, zoom = view["inner"], view["outer"], view["zoom"]
    # No empty band: the process fills the canvas's width or its height (less the padding).
    filled = max(inner["width"] * zoom / outer["width"], inner["height"] * zoom / outer["height"])
    assert filled > 0.8 or outer["height"] <= 221, view
    return view


@pytest.fixture
def viewer_on(page, log_in, make_user):
    make_user("Viewer", username="vera")
    log_in("vera", PASSWORD)
    page.add_init_script(LISTEN)
    return page


def test_a_drawn_diagram_announces_its_viewer_to_other_scripts(viewer_on, live_server, engine):
    [incident] = engine.list_incidents(activity_id="pay_out", limit=1)
    open_instance(viewer_on, live_server, incident.process_instance_id, "Loan application")
    ready = viewer_on.evaluate("window.__ready")
    assert len(ready) == 1 and ready[0]["id"] == "diagram" and ready[0]["shapes"] > 10


@pytest.mark.parametrize("width,height", SIZES)
def test_the_loan_process_fits_on_load_and_the_height_follows_its_shape(
    viewer_on, live_server, engine, width, height, tmp_path
):
    page = viewer_on
    page.set_viewport_size({"width": width, "height": height})
    [incident] = engine.list_incidents(activity_id="pay_out", limit=1)
    open_instance(page, live_server, incident.process_instance_id, "Loan application")
    assert_fitted(page, "diagram")
    frame = page.locator("#diagram").bounding_box()
    assert frame["width"] >= 0.9 * page.locator("main").bounding_box()["width"]  # full width
    done = page.locator('#diagram .djs-element[data-element-id="end"] .djs-visual').bounding_box()
    assert done["x"] + done["width"] <= frame["x"] + frame["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no horizontal scroll
    page.screenshot(path=tmp_path / f"diagram-instance-{width}x{height}.png")  # to look at

    # The definition page, reached by its link in the header, draws it the same way.
    page.locator("#instance-facts").get_by_role("link", name="Loan application").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    assert_fitted(page, "diagram")


def test_zoom_buttons_change_the_zoom_and_fit_shows_the_whole_process_again(viewer_on, live_server, engine):
    page = viewer_on
    page.set_viewport_size({"width": 1440, "height": 900})
    [incident] = engine.list_incidents(activity_id="pay_out", limit=1)
    open_instance(page, live_server, incident.process_instance_id, "Loan application")
    zoom = lambda: page.evaluate(VIEW, "diagram")["zoom"]  # noqa: E731
    fitted = zoom()
    zoom_bar = page.get_by_role("toolbar", name="Diagram zoom")
    zoom_bar.get_by_role("button", name="Zoom in").click()
    assert zoom() > fitted * 1.1
    assert page.evaluate(VIEW, "diagram")["outside"]  # zoomed in, some of it is out of view
    zoom_bar.get_by_role("button", name="Fit the whole process in view").click()
    assert zoom() == pytest.approx(fitted, rel=0.01)
    assert_fitted(page, "diagram")
    # By keyboard too: the buttons take the focus and Enter presses them.
    zoom_bar.get_by_role("button", name="Zoom out").focus()
    page.keyboard.press("Enter")
    assert zoom() < fitted * 0.9
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert zoom() == pytest.approx(fitted, rel=0.01)


def test_no_badge_covers_a_label(viewer_on, live_server, engine):
    page = viewer_on
    page.set_viewport_size({"width": 1024, "height": 768})
    waiting = [
        (engine.list_instances(ProcessInstanceQuery(activity_ids=(activity,)), limit=1)[0].id, title)
        for activity, title in [
            ("cooling_off", "Loan application"),
            ("sign", "Loan application"),
            ("check_stock", "Order to delivery"),
        ]
    ]
    [incident] = engine.list_incidents(activity_id="charge", limit=1)
    for instance_id, title in [*waiting, (incident.process_instance_id, "Order to delivery")]:
        open_instance(page, live_server, instance_id, title)
        found = page.evaluate(COVERED, "diagram")
        assert found["badges"] >= 1 and found["covered"] == [], (instance_id, found)
    # The definition's badges (instances and incidents per activity), by the link in the header.
    open_instance(page, live_server, waiting[0][0], "Loan application")
    page.locator("#instance-facts").get_by_role("link", name="Loan application").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    found = page.evaluate(COVERED, "diagram")
    assert found["badges"] >= 3 and found["covered"] == [], found


@pytest.mark.parametrize("width,height", SIZES)
def test_the_modification_wizards_diagram_takes_the_full_width(
    page, live_server, log_in, make_user, engine, width, height, tmp_path
):
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.add_init_script(LISTEN)
    page.set_viewport_size({"width": width, "height": height})
    [incident] = engine.list_incidents(activity_id="pay_out", limit=1)
    open_instance(page, live_server, incident.process_instance_id, "Loan application")
    page.get_by_role("button", name="Modify…").click()
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    diagram = page.locator("#diagram").bounding_box()
    assert diagram["width"] >= 0.95 * page.locator(".modify-page").bounding_box()["width"]
    assert_fitted(page, "diagram")
    page.screenshot(path=tmp_path / f"diagram-modify-{width}x{height}.png")  # to look at


@pytest.mark.parametrize("width,height", SIZES)
def test_from_a_call_activity_to_the_called_instance_and_back_up(
    viewer_on, live_server, engine, width, height
):
    page = viewer_on
    page.set_viewport_size({"width": width, "height": height})
    [loan] = engine.list_instances(ProcessInstanceQuery(activity_ids=("credit_check",)), limit=1)
    [credit_check] = engine.list_instances(ProcessInstanceQuery(super_process_instance=loan.id), limit=5)
    open_instance(page, live_server, loan.id, "Loan application")
    page.get_by_role("link", name="called instance of Check credit").click()
    expect(page).to_have_url(re.compile(rf"/instances/{credit_check.id}/$"))
    expect(page.locator("#instance-facts")).to_contain_text("Credit check")
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    page.locator("#instance-facts").get_by_role("link", name=loan.id).click()  # "Called by"
    expect(page).to_have_url(re.compile(rf"/instances/{loan.id}/$"))
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    found = page.evaluate(COVERED, "diagram")
    assert found["covered"] == [], found  # the link covers no label either
    assert serious_violations(page, ".diagram-panel") == []


def test_the_definition_page_lists_and_links_what_it_calls_and_the_called_one_links_back(
    viewer_on, live_server, engine
):
    page = viewer_on
    page.set_viewport_size({"width": 1440, "height": 900})
    [loan] = engine.list_instances(ProcessInstanceQuery(activity_ids=("review",)), limit=1)
    credit_check = engine.get_latest_definition("credit-check")
    open_instance(page, live_server, loan.id, "Loan application")
    page.locator("#instance-facts").get_by_role("link", name="Loan application").click()
    loan_url = page.url
    called = page.get_by_role("region", name="Called process definitions")
    row = called.get_by_role("row", name=re.compile("Credit check"))
    expect(row).to_contain_text("credit-check")
    expect(row).to_contain_text("Check credit")  # the calling activity, by its name
    row.get_by_role("link", name="Credit check").click()
    expect(page).to_have_url(re.compile(rf"/processes/{re.escape(credit_check.id)}/\?called_by="))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Credit check")
    expect(page.get_by_role("region", name="Called process definitions")).to_contain_text(
        "This process calls no other definition"
    )
    caller = page.locator(".facts").get_by_role("link", name=re.compile("Loan application"))
    expect(page.locator(".facts")).to_contain_text("at Check credit")
    caller.click()
    assert page.url.split("?")[0] == loan_url.split("?")[0]

    # On the diagram, the call activity leads to the called definition too.
    expect(page.locator("#diagram")).to_have_attribute("data-ready", "true")
    page.get_by_role("link", name="called definition of Check credit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Credit check")
    expect(page.locator(".facts")).to_contain_text("Called by")
    assert serious_violations(page, ".diagram-panel", ".called-definitions", ".facts") == []


@pytest.mark.parametrize("width,height", SIZES)
def test_the_migration_wizards_two_diagrams_each_take_the_full_width_fitted_with_their_own_zoom(
    page, live_server, log_in, make_user, engine, width, height, tmp_path
):
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.add_init_script(LISTEN)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/e/demo/processes/")
    page.get_by_role("link", name="Order to delivery").click()
    page.get_by_role("navigation", name="Versions").get_by_role("link", name="v1").click()
    page.get_by_role("button", name="Migrate instances…").click()
    wizard = page.locator(".migrate-page").bounding_box()
    for side in ("source", "target"):
        expect(page.locator(f"#{side}-diagram")).to_have_attribute("data-ready", "true")
        assert page.locator(f"#{side}-diagram").bounding_box()["width"] >= 0.95 * wizard["width"]
        assert_fitted(page, f"{side}-diagram")
    page.screenshot(path=tmp_path / f"diagram-migrate-{width}x{height}.png", full_page=True)  # to look at
    zoom = lambda side: page.evaluate(VIEW, f"{side}-diagram")["zoom"]  # noqa: E731
    before = zoom("target")
    page.get_by_role("toolbar", name="Source diagram zoom").get_by_role("button", name="Zoom in").click()
    assert zoom("source") > before * 1.1 and zoom("target") == before  # each diagram zooms on its own


def test_the_migration_wizard_counts_the_waiting_instances_and_numbers_each_mapping_on_both_ends(
    page, live_server, log_in, make_user, engine, tmp_path
):
    make_user("Operator", username="olivia")
    log_in("olivia", PASSWORD)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/e/demo/processes/")
    page.get_by_role("link", name="Order to delivery").click()
    page.get_by_role("navigation", name="Versions").get_by_role("link", name="v1").click()
    source_id = page.url.rstrip("/").split("/")[-1]
    page.get_by_role("button", name="Migrate instances…").click()
    source, target = page.locator("#source-diagram"), page.locator("#target-diagram")
    expect(source).to_have_attribute("data-ready", "true")
    expect(target).to_have_attribute("data-ready", "true")

    waiting = {row.id: row.instances for row in engine.activity_statistics(source_id) if row.instances}
    assert waiting
    for activity_id, count in waiting.items():
        at = source.locator(f'.djs-overlays[data-container-id="{activity_id}"] .badge-active')
        expect(at).to_have_text(str(count))
    expect(target.locator(".badge-active")).to_have_count(0)  # the target has no instances yet

    rows = page.locator(".migration-plan li.instruction")
    assert rows.count() >= 2
    expect(source.locator(".badge-mapping")).to_have_count(rows.count())
    expect(target.locator(".badge-mapping")).to_have_count(rows.count())
    second = rows.nth(1)
    ends = [second.get_attribute("data-source"), second.get_attribute("data-target")]
    second.hover()
    for diagram, activity_id in zip((source, target), ends, strict=True):
        number = diagram.locator(f'.djs-overlays[data-container-id="{activity_id}"] .badge-mapping')
        expect(number).to_have_text("2")
        expect(number).to_have_class(re.compile(r"\blit\b"))
        expect(diagram.locator(f'.djs-element.mapping-lit[data-element-id="{activity_id}"]')).to_have_count(1)
    page.screenshot(path=tmp_path / "diagram-migrate-mappings.png", full_page=True)  # to look at
    page.mouse.move(0, 0)
    expect(page.locator(".badge-mapping.lit")).to_have_count(0)
    for side in ("source", "target"):
        assert page.evaluate(COVERED, f"{side}-diagram")["covered"] == []


# Another feature's overlay (a heatmap's, say), drawn above every task as soon as the diagram is ready.
OTHER_OVERLAY = """
document.addEventListener("cockpit:diagram-ready", (event) => {
  const { viewer } = event.detail;
  for (const element of viewer.get("elementRegistry").filter((e) => e.type === "bpmn:ServiceTask")) {
    const html = document.createElement("div");
    html.className = "other-feature";
    html.style.cssText = "width: 100px; height: 22px; background: rgba(255, 0, 0, 0.3);";
    viewer.get("overlays").add(element.id, "other", { position: { top: -25, left: 0 }, html });
  }
});
"""


def test_badges_keep_clear_of_other_features_overlays(viewer_on, live_server, engine):
    page = viewer_on
    page.add_init_script(OTHER_OVERLAY)
    [incident] = engine.list_incidents(activity_id="pay_out", limit=1)
    open_instance(page, live_server, incident.process_instance_id, "Loan application")
    clashes = page.evaluate(
        """() => {
          const rect = (each) => each.getBoundingClientRect();
          const others = [...document.querySelectorAll("#diagram .other-feature")].map(rect);
          const meet = (b, o) => b.left < o.right && o.left < b.right && b.top < o.bottom && o.top < b.bottom;
          return [...document.querySelectorAll("#diagram .diagram-badge")]
            .filter((badge) => others.some((o) => meet(rect(badge), o)))
            .map((badge) => badge.title);
        }"""
    )
    assert page.locator("#diagram .other-feature").count() >= 1
    assert page.locator('#diagram .djs-overlays[data-container-id="pay_out"] .diagram-badge').count() == 2
    assert clashes == []
