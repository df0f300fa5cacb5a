from django.urls import path

from deployments import views

# Under /e/<engine>/deployments/
urlpatterns = [
    path("", views.deployment_list, name="deployment_list"),
    path("<id:deployment_id>/", views.deployment_detail, name="deployment_detail"),
    path(
        "<id:deployment_id>/resources/<id:resource_id>/diagram.bpmn",
        views.deployment_diagram,
        name="deployment_diagram",
    ),
    path("<id:deployment_id>/delete/", views.deployment_delete, name="deployment_delete"),
]
