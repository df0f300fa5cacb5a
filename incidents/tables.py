import django_tables2 as tables

from cockpit.paging import EngineTable


class IncidentTable(EngineTable):
    incident_timestamp = tables.DateTimeColumn(verbose_name="Since", format="Y-m-d H:i:s")
    incident_type = tables.Column(verbose_name="Type")
    incident_message = tables.Column(verbose_name="Message")
    process_instance_id = tables.Column(verbose_name="Instance")
    activity_id = tables.Column(verbose_name="Activity")
    annotation = tables.Column()

    engine_sort = {
        "incident_timestamp": "incidentTimestamp",
        "incident_type": "incidentType",
        "incident_message": "incidentMessage",
        "process_instance_id": "processInstanceId",
        "activity_id": "activityId",
    }
