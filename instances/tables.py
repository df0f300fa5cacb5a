import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from cockpit.paging import EngineTable
from cockpit.templatetags.cockpit import bidi_marks, unreadable, when
from engines.queries import HistoricInstanceSort, InstanceSort

# Shown beside a state's word, never instead of it (aria-hidden: the word is what is read out).
STATE_ICONS = {"active": "●", "suspended": "⏸"}
ACTIVITIES_SHOWN = 3  # more current activities than this are counted, not named


class InstanceTable(EngineTable):
    # Cells are drawn with format_html, not templates: a template per cell was most of the
    # page's own time (bench/pages.py).
    select = tables.Column(verbose_name="", orderable=False, empty_values=())
    state = tables.Column(accessor="state", verbose_name="State", empty_values=())
    id = tables.Column(verbose_name="Instance")
    definition = tables.Column(accessor="definition", verbose_name="Process", empty_values=())
    business_key = tables.Column(accessor="instance__business_key", verbose_name="Business key")
    activities = tables.Column(accessor="activities", verbose_name="Current activities", empty_values=())
    incidents = tables.Column(accessor="incidents", verbose_name="Incidents", empty_values=())
    start_time = tables.Column(accessor="start_time", verbose_name="Started", empty_values=())

    class Meta:
        # A click anywhere in a row opens the instance (cockpit.js follows the row's id link).
        row_attrs = {"data-row-link": "true"}

    engine_sort = {
        "id": InstanceSort.ID,
        "definition": InstanceSort.DEFINITION_KEY,
        "business_key": InstanceSort.BUSINESS_KEY,
        # Only history knows when a running instance started: the list is read from there (rows.as_history).
        "start_time": HistoricInstanceSort.START_TIME,
    }

    def render_select(self, record):
        if record.instance.unreadable:
            return ""  # nothing to act on: its id is not known to be one
        return format_html(
            '<input type="checkbox" name="ids" value="{}" form="bulk-form" aria-label="Select {}">',
            record.id,
            record.id,
        )

    def render_id(self, value, record):
        if record.instance.unreadable:
            return unreadable(record.instance)
        # A full page load: the instance page brings its own scripts (the diagram), which a boosted
        # swap would not run.
        return format_html(
            '<a href="{}" hx-boost="false" title="{}"><code>{}</code></a>',
            self.link("instance_detail", value),
            value,
            bidi_marks(value),
        )

    # A row whose details come after it (rows.awaiting_details) draws an empty slot for each; the
    # details fragment fills the slots by their ids.
    # A row read from history has its process and start time already: its slot holds them meanwhile.
    def render_start_time(self, value, record):
        if record.slot is None:
            return started_cell(value)
        return pending(record, "started", started_cell(value) if value else "…")

    def render_definition(self, value, record):
        if record.slot is None:
            return process_cell(record.definition, record.instance.definition_id)
        return pending(record, "process", process_cell(record.definition) if record.definition else "…")

    def render_state(self, value, record):
        word = "suspended" if record.instance.suspended else "active"
        if record.slot is None:
            return state_cell(word, record.has_incident)
        return format_html("{}{}", state_cell(word, False), pending(record, "state", ""))

    def render_activities(self, value, record):
        return pending(record, "activities") if record.slot is not None else activities_cell(value)

    def render_incidents(self, value, record):
        return pending(record, "incidents") if record.slot is not None else incidents_cell(value)


def pending(record, cell: str, shown: str = "…"):
    if shown == "…":
        return format_html('<span id="row-{}-{}" class="pending">…</span>', record.slot, cell)
    return format_html('<span id="row-{}-{}">{}</span>', record.slot, cell, shown)


def state_cell(word: str, with_incidents: bool):
    cell = format_html(
        '<span class="state state-{}"><span aria-hidden="true">{}</span> {}</span>',
        word,
        STATE_ICONS[word],
        word,
    )
    return format_html("{}{}", cell, incident_state()) if with_incidents else cell


def incident_state():
    return format_html(
        '<span class="state state-incident">, <span aria-hidden="true">{}</span> with incidents</span>', "⚠"
    )


def activities_cell(names: tuple[str, ...]) -> str:
    if not names:
        return "—"
    shown = format_html_join(", ", "{}", ((bidi_marks(name),) for name in names[:ACTIVITIES_SHOWN]))
    more = len(names) - ACTIVITIES_SHOWN
    return format_html("{} <small>+{} more</small>", shown, more) if more > 0 else shown


def incidents_cell(count: int | None) -> str:
    if count is None:
        return "—"
    return format_html('<span class="incident-count">{}</span>', count) if count else "0"


def started_cell(value) -> str:
    return when(value)


def process_cell(definition, definition_id: str | None = None):
    if definition is None:
        return definition_id or "—"
    return format_html("{} <small>v{}</small>", bidi_marks(definition.title), definition.version)
