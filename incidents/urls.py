from django.urls import path

from incidents import views

# Under /e/<engine>/incidents/
urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("bulk/", views.incident_bulk, name="incident_bulk"),
    path("<id:incident_id>/stacktrace/", views.incident_stacktrace, name="incident_stacktrace"),
    path("<id:incident_id>/annotation/", views.incident_annotate, name="incident_annotate"),
    path("<id:incident_id>/retry/", views.incident_retry, name="incident_retry"),
    path("<id:incident_id>/instance/", views.incident_instance, name="incident_instance"),
]
