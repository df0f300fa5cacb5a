from django.urls import path

from trouble import views

# Under /e/<engine>/trouble/
urlpatterns = [
    path("jobs-retrying/", views.jobs_retrying, name="jobs_retrying"),
    path("stuck/", views.stuck, name="stuck_instances"),
    path("tiles/jobs-retrying/", views.jobs_retrying_tile, name="jobs_retrying_tile"),
    path("tiles/stuck/", views.stuck_tile, name="stuck_tile"),
]
