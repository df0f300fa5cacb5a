"""One way to show each kind of value on every page: a date through `when`, a length of time through
`duration`, a count through `number`. Two nets catch a page that shows one another way: the sources
(a template's |date, a table cell's strftime) and the pages themselves, rendered from the demo engine,
where any datetime a template prints raw is caught as it is printed."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.template import base as template_base
from django.utils import timezone

from audit.models import AuditEntry
from batches.models import Operation
from engines.queries import HistoricProcessInstanceQuery, ProcessInstanceQuery

pytestmark = pytest.mark.django_db
INSTANCES = 60
ROOT = Path(__file__).resolve().parent.parent

# The formats the issue found on the pages: Django's default date, the engine's own, raw milliseconds.
STRAY_FORMATS = {
    "Django's default date": re.compile(r"\b[A-Z][a-z]{2,3}\.? \d{1,2}, \d{4}, \d{1,2}(:\d\d)? ?[ap]\.m\."),
    "the engine's date": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}"),
    "a raw datetime": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+\d\d:\d\d"),
    "raw milliseconds": re.compile(r">\s*\d{4,} ms\b"),
}


def test_no_template_formats_a_date_itself():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\|\s*(date|time|naturaltime|naturalday|timesince|timeuntil)\b|\{%\s*now\b", line)
    ]
    assert found == []


def test_no_template_formats_a_count_or_a_length_of_time_itself():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\|\s*floatformat\b|\}\}\s*ms\b", line)
    ]
    assert found == []


# Below the pages (the engine's wire format, its stand-in, tests, benchmarks) dates are data, not text.
NOT_SHOWN = {"engines", "demo_engine", "tests", "bench", "realengines", "scripts", ".venv", "node_modules"}
# The one helper, and the values of the browser's date-time fields (which need their own format): the
# variable editor's exact value, and the stuck instances' link into the list's "since before" field.
THE_FORMATTERS = {
    "cockpit/templatetags/cockpit.py",
    "instances/variables.py:input_text",
    "trouble/views.py:_list_url",
}


def test_no_table_cell_or_message_formats_a_date_itself():
    """Cells drawn in Python (django-tables2 columns, rows) and messages built in views go through
    the same helper as the templates (`when`, `when_text`)."""
    sources = [
        path
        for path in sorted(ROOT.glob("*/**/*.py"))
        if path.relative_to(ROOT).parts[0] not in NOT_SHOWN and "migrations" not in path.parts
    ]
    assert sources, "the scan found no table to look at"
    found = []
    for path in sources:
        name = str(path.relative_to(ROOT))
        if name in THE_FORMATTERS:
            continue
        function = ""
        for number, line in enumerate(path.read_text().splitlines(), 1):
            function = re.match(r"\s*def (\w+)", line).group(1) if re.match(r"\s*def \w+", line) else function
            if f"{name}:{function}" in THE_FORMATTERS:
                continue
            if re.search(r"strftime|dateformat|localtime\(|date_format|Date(Time)?Column|:%[YHdmb]", line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == []


@pytest.fixture
def printed_raw(monkeypatch):
    return watch_raw_dates(monkeypatch)


def watch_raw_dates(monkeypatch) -> list[tuple[str, object]]:
    """Every date or datetime a template printed as it is (not through a filter that formats it)."""
    printed: list[tuple[str, object]] = []
    render = template_base.render_value_in_context

    def watching(value, context):
        if isinstance(value, date | datetime):
            printed.append((context.template_name, value))
        return render(value, context)

    monkeypatch.setattr(template_base, "render_value_in_context", watching)
    return printed


def pages_with_dates(engine) -> list[str]:
    """The pages and tabs that show dates, from instances that have something on each tab."""
    pages = [
        "/e/demo/",
        "/e/demo/instances/",
        "/e/demo/instances/finished/",
        "/e/demo/incidents/",
        "/e/demo/batches/",
        "/e/demo/deployments/",
        "/e/demo/processes/",
        "/audit/",
    ]
    for tile in ("instances", "incidents", "definitions", "batches"):
        pages.append(f"/e/demo/tiles/{tile}/")
    deployment = engine.list_deployments(limit=1)[0]
    pages.append(f"/e/demo/deployments/{deployment.id}/")
    definition = engine.list_definitions(limit=1)[0]
    pages.append(f"/e/demo/processes/{definition.id}/")
    seen: set[str] = set()
    for instance in engine.list_instances(ProcessInstanceQuery(), limit=INSTANCES):
        if instance.definition_id in seen:
            continue
        seen.add(instance.definition_id)
        for tab in ("", "variables/", "incidents/", "called/", "tasks/", "external/", "jobs/", "history/"):
            pages.append(f"/e/demo/instances/{instance.id}/{tab}")
    finished = engine.list_historic_instances(HistoricProcessInstanceQuery(finished=True), limit=1)
    pages += [f"/e/demo/instances/{h.id}/history/" for h in finished]
    return pages


def test_no_page_prints_a_date_but_through_the_one_filter(client_as, engine, printed_raw):
    client = client_as("Admin")
    instance = engine.list_instances(ProcessInstanceQuery(), limit=1)[0]
    user = client.get("/e/demo/").wsgi_request.user
    Operation.objects.create(
        engine="demo",
        kind="retry_incidents",
        mode="chunked",
        username=user.username,
        user=user,
        waiting="the engine is busy",
        waiting_since=timezone.now(),
        finished_at=timezone.now(),
    )
    assert client.post(f"/e/demo/instances/{instance.id}/suspend/", {"suspended": "true"}).status_code < 400
    assert AuditEntry.objects.exists()
    pages = [*pages_with_dates(engine), f"/e/demo/batches/operations/{Operation.objects.get().pk}/"]
    assert stray_dates(client, pages) == []
    assert sorted({template for template, _ in printed_raw}) == []


def stray_dates(client, pages: list[str]) -> list[tuple[str, str, str]]:
    """Dates on the pages in a format other than the one filter's, as (page, which format, the text)."""
    strays = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # What the page says, not its attributes: a copy control or an editor keeps the exact value.
        body = re.sub(r"<[^>]*>", " ", response.content.decode())
        strays += [(url, kind, m.group()) for kind, rx in STRAY_FORMATS.items() for m in rx.finditer(body)]
    return strays


def test_the_history_tab_names_each_activity_with_its_id_on_hover(client_as, engine):
    from engines.bpmn import parse_model

    instance = engine.list_instances(ProcessInstanceQuery(), limit=1)[0]
    model = parse_model(engine.definition_xml(instance.definition_id))
    steps = engine.historic_activity_instances(instance.id)
    named = next(s for s in steps if s.activity_name and s.activity_name != s.activity_id)
    assert model.title(named.activity_id) == named.activity_name
    body = client_as("Viewer").get(f"/e/demo/instances/{instance.id}/history/").content.decode()
    assert (
        f'<span class="activity" title="{named.activity_id}"><bdi>{named.activity_name}</bdi></span>' in body
    )
    assert f"<code><bdi>{named.activity_id}</bdi></code>" not in body
