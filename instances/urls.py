from django.urls import path

from instances import views

# Under /e/<engine>/instances/
urlpatterns = [
    path("", views.instance_list, name="instance_list"),
    path("count/", views.instance_count, name="instance_count"),
    path("export.<str:fmt>", views.instance_export, name="instance_export"),
    path("bulk/", views.bulk_action, name="instance_bulk"),
    path("searches/", views.save_search, name="save_search"),
    path("searches/<int:pk>/delete/", views.delete_search, name="delete_search"),
]
