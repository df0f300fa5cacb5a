from django.conf import settings
from django.db import models
from django.db.models.functions import Left

from cockpit.templatetags.cockpit import when_text

# Target ids are stored whole, however long (a request's input is recorded as it came); lookups go
# through an index on their first characters, which fits any database's index row size.
TARGET_PREFIX = 200


class AuditEntry(models.Model):
    """One mutating action someone took through the dashboard, and how the engine answered."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the entry still says who it was after the user is deleted.
    username = models.CharField(max_length=150, db_index=True)
    engine = models.CharField(max_length=40, db_index=True)
    action = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.TextField(blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    engine_response = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(Left("target_id", TARGET_PREFIX), name="audit_target_prefix")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{when_text(self.at)} {self.username} {self.action} {self.target_id}"


def with_target(entries: models.QuerySet, target_id: str) -> models.QuerySet:
    """The entries for one target id, found through the prefix index."""
    return entries.alias(target_prefix=Left("target_id", TARGET_PREFIX)).filter(
        target_prefix=target_id[:TARGET_PREFIX], target_id=target_id
    )
