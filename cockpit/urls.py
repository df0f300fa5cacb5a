from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", dashboard_views.health, name="health"),
    path("audit/", include("audit.urls")),
    path("e/<str:engine>/", dashboard_views.dashboard, name="dashboard"),
    path("admin/", admin.site.urls),
]
