from django.urls import path

from instances import find_views

# Under /find/: the header's search, across every engine
urlpatterns = [path("", find_views.find, name="find")]
