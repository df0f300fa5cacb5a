from django.urls import path

from definitions import history_views, job_definition_views, views

# Under /e/<engine>/processes/
urlpatterns = [
    path("", views.definition_list, name="definition_list"),
    path("<id:definition_id>/", views.definition_detail, name="definition_detail"),
    path("<id:definition_id>/diagram.bpmn", views.definition_diagram, name="definition_diagram"),
    path(
        "<id:definition_id>/activities.json",
        views.definition_activity_state,
        name="definition_activity_state",
    ),
    path("<id:definition_id>/heatmap/", history_views.definition_heatmap, name="definition_heatmap"),
    path("<id:definition_id>/instances/", views.definition_instances, name="definition_instances"),
    path("<id:definition_id>/suspended/", views.definition_suspend, name="definition_suspend"),
    # job definitions
    path(
        "<id:definition_id>/job-definitions/",
        job_definition_views.job_definitions,
        name="definition_job_definitions",
    ),
    path(
        "<id:definition_id>/job-definitions/<id:job_definition_id>/suspended/",
        job_definition_views.job_definition_suspend,
        name="job_definition_suspend",
    ),
    path(
        "<id:definition_id>/job-definitions/<id:job_definition_id>/priority/",
        job_definition_views.job_definition_priority,
        name="job_definition_priority",
    ),
    path(
        "<id:definition_id>/job-definitions/<id:job_definition_id>/retry/",
        job_definition_views.job_definition_retry,
        name="job_definition_retry",
    ),
]
