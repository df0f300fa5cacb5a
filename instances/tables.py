import django_tables2 as tables
from django.utils.html import format_html

from cockpit.paging import EngineTable
from cockpit.templatetags.cockpit import bidi_marks, unreadable, when
from engines.queries import InstanceSort


class InstanceTable(EngineTable):
    # Cells are drawn with format_html, not templates: a template per cell was most of the
    # page's own time (bench/pages.py).
    select = tables.Column(verbose_name="", orderable=False, empty_values=())
    id = tables.Column(verbose_name="Instance")
    definition = tables.Column(accessor="definition", verbose_name="Process", empty_values=())
    business_key = tables.Column(accessor="instance__business_key", verbose_name="Business key")
    state = tables.Column(accessor="state", verbose_name="State")
    tenant_id = tables.Column(accessor="instance__tenant_id", verbose_name="Tenant")
    start_time = tables.Column(accessor="start_time", verbose_name="Started", empty_values=())

    class Meta:
        # A click anywhere in a row opens the instance (cockpit.js follows the row's id link).
        row_attrs = {"data-row-link": "true"}

    engine_sort = {
        "id": InstanceSort.ID,
        "definition": InstanceSort.DEFINITION_KEY,
        "business_key": InstanceSort.BUSINESS_KEY,
        "tenant_id": InstanceSort.TENANT_ID,
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
            '<a href="{}" hx-boost="false"><code>{}</code></a>',
            self.link("instance_detail", value),
            bidi_marks(value),
        )

    # A row whose details come after it (rows.awaiting_details) draws an empty slot for each; the
    # details fragment fills the slots by their ids.
    def render_start_time(self, value, record):
        return pending(record, "started") if record.slot is not None else started_cell(value)

    def render_definition(self, value, record):
        if record.slot is not None:
            return pending(record, "process")
        return process_cell(record.definition, record.instance.definition_id)

    def render_state(self, value, record):
        if record.slot is None:
            return value
        return format_html(
            "{}{}", "suspended" if record.instance.suspended else "active", pending(record, "state")
        )


def pending(record, cell: str):
    return format_html('<span id="row-{}-{}" class="pending">…</span>', record.slot, cell)


def started_cell(value) -> str:
    return when(value)


def process_cell(definition, definition_id: str | None = None):
    if definition is None:
        return definition_id or "—"
    return format_html("{} <small>v{}</small>", bidi_marks(definition.title), definition.version)
