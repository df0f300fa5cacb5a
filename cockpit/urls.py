from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from batches.views import my_operations
from cockpit.converters import EngineIdConverter
from dashboard import views as dashboard_views

# Before the apps' URLs are included: they use it for every engine id in a path.
register_converter(EngineIdConverter, "id")

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page links; the icon is a static file.
    path(
        "favicon.ico", login_not_required(RedirectView.as_view(url=static("img/favicon.svg"))), name="favicon"
    ),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", dashboard_views.health, name="health"),
    path("audit/", include("audit.urls")),
    path("e/<str:engine>/", dashboard_views.dashboard, name="dashboard"),
    path("e/<str:engine>/tiles/version/", dashboard_views.engine_version, name="engine_version"),
    path("e/<str:engine>/tiles/<str:name>/", dashboard_views.dashboard_tile, name="dashboard_tile"),
    path("e/<str:engine>/processes/", include("definitions.urls")),
    path("e/<str:engine>/instances/", include("instances.urls")),
    path("e/<str:engine>/incidents/", include("incidents.urls")),
    path("e/<str:engine>/batches/", include("batches.urls")),
    path("operations/mine/", my_operations, name="my_operations"),
    path("admin/", admin.site.urls),
]

handler404 = "cockpit.views.page_not_found"
