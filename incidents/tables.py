import django_tables2 as tables
from django.utils.html import format_html

from cockpit.paging import EngineTable
from cockpit.templatetags.cockpit import bidi_marks, unreadable, when
from engines.queries import IncidentSort


class IncidentTable(EngineTable):
    select = tables.Column(verbose_name="", orderable=False, empty_values=())
    incident_timestamp = tables.Column(verbose_name="Since")
    incident_type = tables.Column(verbose_name="Type")
    incident_message = tables.Column(verbose_name="Message")
    process = tables.Column(accessor="definition", verbose_name="Process", empty_values=())
    process_instance_id = tables.TemplateColumn(
        template_name="incidents/_instance_cell.html", verbose_name="Instance"
    )
    activity_id = tables.Column(verbose_name="Activity")
    annotation = tables.Column()

    engine_sort = {
        "incident_timestamp": IncidentSort.TIMESTAMP,
        "incident_type": IncidentSort.TYPE,
        "incident_message": IncidentSort.MESSAGE,
        "process_instance_id": IncidentSort.PROCESS_INSTANCE_ID,
        "activity_id": IncidentSort.ACTIVITY_ID,
    }

    def render_incident_timestamp(self, value):
        return when(value)

    def render_activity_id(self, value, record):
        return activity_cell(value, record.activity_name)

    def render_select(self, record):
        if record.unreadable:
            return unreadable(record)
        return format_html(
            '<input type="checkbox" name="incident_ids" value="{}" form="incident-bulk-form" '
            'aria-label="Select incident {}">',
            record.id,
            record.id,
        )

    def render_process_instance_id(self, value):
        return format_html(
            '<a href="{}" hx-boost="false"><code>{}</code></a>',
            self.link("instance_tab", value, "incidents"),
            value,
        )

    def render_process(self, value, record):
        # Plain text: the table's cell isolates it and shows any direction control (the bdi filter).
        return f"{value.title} v{value.version}" if value else (record.process_definition_id or "—")


def activity_cell(activity_id: str, name: str) -> str:
    """An activity by its name, its id on hover; by its id where the diagram gave no name."""
    if not name or name == activity_id:
        return format_html("<code>{}</code>", bidi_marks(activity_id))
    return format_html('<span class="activity" title="{}">{}</span>', activity_id, bidi_marks(name))
