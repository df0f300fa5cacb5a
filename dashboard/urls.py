from django.urls import path

from dashboard import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("e/<str:engine>/", views.dashboard, name="dashboard"),
    path("e/<str:engine>/tiles/version/", views.engine_version, name="engine_version"),
    path("e/<str:engine>/tiles/<str:name>/", views.dashboard_tile, name="dashboard_tile"),
    path("e/<str:engine>/charts/<str:name>/", views.dashboard_chart, name="dashboard_chart"),
]
