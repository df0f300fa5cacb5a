from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from cockpit import views as cockpit_views
from cockpit.converters import EngineIdConverter

# Before the apps' URLs are included: they use it for every engine id in a path.
register_converter(EngineIdConverter, "id")

urlpatterns = [
    path("favicon.ico", cockpit_views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("dashboard.urls")),
    path("audit/", include("audit.urls")),
    path("e/<str:engine>/processes/", include("definitions.urls")),
    path("e/<str:engine>/deployments/", include("deployments.urls")),
    path("e/<str:engine>/instances/", include("instances.urls")),
    path("e/<str:engine>/incidents/", include("incidents.urls")),
    path("e/<str:engine>/batches/", include("batches.urls")),
    path("e/<str:engine>/trouble/", include("trouble.urls")),
    path("operations/mine/", include("batches.mine_urls")),
    path("find/", include("instances.find_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "cockpit.views.page_not_found"
