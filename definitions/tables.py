import django_tables2 as tables
from django.utils.html import format_html

from cockpit.paging import EngineTable
from cockpit.templatetags.cockpit import bidi_marks, unreadable
from engines.queries import DefinitionSort


class DefinitionTable(EngineTable):
    name = tables.Column(accessor="definition", verbose_name="Name", order_by="name")
    key = tables.Column(accessor="definition__key")
    version = tables.Column(accessor="definition__version", verbose_name="Latest version")
    instances = tables.Column(accessor="counts__instances", verbose_name="Running instances", empty_values=())
    incidents = tables.Column(accessor="counts__incidents", verbose_name="Incidents", empty_values=())
    suspended = tables.Column(accessor="definition__suspended", verbose_name="State")
    tenant_id = tables.Column(accessor="definition__tenant_id", verbose_name="Tenant")

    engine_sort = {
        "name": DefinitionSort.NAME,
        "key": DefinitionSort.KEY,
        "version": DefinitionSort.VERSION,
        "tenant_id": DefinitionSort.TENANT_ID,
    }

    def render_name(self, value):
        if value.unreadable:
            return unreadable(value)
        return format_html(
            '<a href="{}" hx-boost="false">{}</a>',
            self.link("definition_detail", value.id),
            bidi_marks(value.title),
        )

    def render_version(self, value, record):
        more = record.counts.versions if record.counts else 0
        return f"{value} (of {more})" if more > 1 else value

    def render_suspended(self, value):
        return "suspended" if value else "active"

    def render_instances(self, value):
        return _count(value)

    def render_incidents(self, value):
        return _count(value)


def _count(value):
    # Counted in the background: until the number lands the cell says so, as the note above the table.
    if value is None:
        return format_html('<span class="still-counting" title="still counting">…</span>')
    return value
