from django.urls import path

from batches import views

# Under /e/<engine>/batches/
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("operations/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/retry-failed/", views.operation_retry_failed, name="operation_retry_failed"),
    path("<id:batch_id>/suspended/", views.batch_suspend, name="batch_suspend"),
    path("<id:batch_id>/delete/", views.batch_delete, name="batch_delete"),
]
