from django.urls import path

from instances import (
    detail_views,
    duration_views,
    history_views,
    job_views,
    migrate_views,
    modify_views,
    task_views,
    variable_views,
    views,
)

# Under /e/<engine>/instances/
urlpatterns = [
    path("", views.instance_list, name="instance_list"),
    path("count/", views.instance_count, name="instance_count"),
    path("details/", views.instance_row_details, name="instance_row_details"),
    path("export.<str:fmt>", views.instance_export, name="instance_export"),
    path("bulk/", views.bulk_action, name="instance_bulk"),
    path("searches/", views.save_search, name="save_search"),
    path("searches/<int:pk>/delete/", views.delete_search, name="delete_search"),
    path("modify/", modify_views.instances_modify, name="instances_modify"),
    path("migrate/", migrate_views.instances_migrate, name="instances_migrate"),
    # the list's history mode: finished instances
    path("finished/", history_views.finished_list, name="finished_list"),
    path("finished/count/", history_views.finished_count, name="finished_count"),
    path("finished/act/", history_views.finished_action, name="finished_action"),
    # one instance
    path("<id:instance_id>/", detail_views.instance_detail, name="instance_detail"),
    path("<id:instance_id>/tree/", detail_views.instance_tree, name="instance_tree"),
    path("<id:instance_id>/diagram.json", detail_views.diagram_state, name="instance_diagram_state"),
    path(
        "<id:instance_id>/durations/", duration_views.activity_durations, name="instance_activity_durations"
    ),
    path("<id:instance_id>/suspend/", detail_views.instance_suspend, name="instance_suspend"),
    path("<id:instance_id>/delete/", detail_views.instance_delete, name="instance_delete"),
    path("<id:instance_id>/modify/", modify_views.instance_modify, name="instance_modify"),
    path(
        "<id:instance_id>/retry-incidents/",
        detail_views.instance_retry_incidents,
        name="instance_retry_incidents",
    ),
    path("<id:instance_id>/variables/add/", variable_views.variable_add, name="variable_add"),
    path("<id:instance_id>/variables/<id:variable_id>/", variable_views.variable_row, name="variable_row"),
    path(
        "<id:instance_id>/variables/<id:variable_id>/edit/",
        variable_views.variable_edit,
        name="variable_edit",
    ),
    path(
        "<id:instance_id>/variables/<id:variable_id>/delete/",
        variable_views.variable_delete,
        name="variable_delete",
    ),
    path(
        "<id:instance_id>/variables/<id:variable_id>/download/",
        variable_views.variable_download,
        name="variable_download",
    ),
    path("<id:instance_id>/tasks/<id:task_id>/assignee/", task_views.task_assignee, name="task_assignee"),
    path(
        "<id:instance_id>/tasks/<id:task_id>/candidate-groups/<str:change>/",
        task_views.task_candidate_group,
        name="task_candidate_group",
    ),
    path(
        "<id:instance_id>/external-tasks/<id:task_id>/error-details/",
        task_views.external_task_error_details,
        name="external_task_error_details",
    ),
    path(
        "<id:instance_id>/external-tasks/<id:task_id>/retries/",
        task_views.external_task_retries,
        name="external_task_retries",
    ),
    path(
        "<id:instance_id>/external-tasks/<id:task_id>/unlock/",
        task_views.external_task_unlock,
        name="external_task_unlock",
    ),
    path("<id:instance_id>/jobs/<id:job_id>/run/", job_views.job_run, name="job_run"),
    path("<id:instance_id>/jobs/<id:job_id>/due-date/", job_views.job_due_date, name="job_due_date"),
    path("<id:instance_id>/jobs/<id:job_id>/recalculate/", job_views.job_recalculate, name="job_recalculate"),
    path("<id:instance_id>/<str:tab>/", detail_views.instance_detail, name="instance_tab"),
]
