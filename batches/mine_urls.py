"""The operations of the signed-in user, across engines: outside any one engine's URLs."""

from django.urls import path

from batches.views import my_operations

urlpatterns = [path("", my_operations, name="my_operations")]
