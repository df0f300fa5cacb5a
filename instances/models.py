from django.conf import settings
from django.db import models


class SavedSearch(models.Model):
    """A named instance-list filter of one user: the query string the list page was given."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    engine = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    query_string = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "engine", "name"], name="saved_search_name")]

    def __str__(self) -> str:
        return self.name
