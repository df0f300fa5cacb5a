"""Long work started through the dashboard, recorded so that nothing is lost when a worker dies.

An operation is handed either to an engine batch (the engine does the work; we follow its
statistics) or worked through here in chunks, one row per item, each with its own result.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Operation(models.Model):
    class Mode(models.TextChoices):
        ENGINE_BATCH = "engine_batch", "Engine batch"
        CHUNKED = "chunked", "Item by item"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        COMPLETED = "completed"
        FAILED = "failed"  # the operation itself could not be done (the engine refused it, say)
        CANCELLED = "cancelled"

    FINISHED = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, db_index=True)
    engine = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(max_length=40)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    # Plain values only: ids, an engine query as JSON, the action's options.
    parameters = models.JSONField(default=dict, blank=True)
    engine_batch_id = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Who works on a chunked operation, until when: another worker takes over when it runs out.
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Whether its user has been told that it finished.
    notified = models.BooleanField(default=False)
    # Why it is not moving (the task queue or the engine unreachable), since when; cleared when a
    # worker takes it up again.
    waiting = models.CharField(max_length=300, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    # Hand-over attempts that could not reach the engine (it gives up after a few).
    attempts = models.PositiveSmallIntegerField(default=0)
    # What the work achieved beyond the engine's counts (a retried job recovered or failed again).
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.engine} ({self.status})"

    def get_kind_display(self) -> str:
        from batches.kinds import KINDS

        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def targets(self) -> str:
        from batches.kinds import describe

        return describe(self.parameters)

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def settling(self) -> bool:
        """The engine batch has ended; the dashboard waits to see what the retried jobs did."""
        return not self.finished and "checked_from" in (self.result or {})

    @property
    def state(self) -> str:
        """The status in words, the same on the Batches row, the header's banner and the operation's page."""
        return "engine batch done, checking what the jobs did" if self.settling else self.status

    @property
    def percent(self) -> int:
        """How much is done, as the engine counts a batch's progress: failed work is not done."""
        if self.settling:
            return 100
        if not self.total:
            return 100 if self.finished else 0
        return min(100, round(100 * self.done / self.total))

    @property
    def outcome(self) -> str:
        """What a retry achieved once the engine ran the jobs again, in words; empty for other work."""
        result = self.result or {}
        if "recovered" not in result:
            return ""
        parts = [f"{result['sent']} job(s) sent to run again", f"{len(result['recovered'])} recovered"]
        parts.append(f"{len(result['failed_again'])} failed again")
        if result.get("waiting_suspended"):
            parts.append(f"{len(result['waiting_suspended'])} waiting on a suspended instance")
        if result.get("not_run"):
            parts.append(f"{len(result['not_run'])} not run by the engine yet")
        return ", ".join(parts)

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.done - self.failed)


class OperationItem(models.Model):
    """One instance (or job) of a chunked operation and what happened to it."""

    class State(models.TextChoices):
        PENDING = "pending"
        STARTED = "started"  # sent to the engine; the result is not recorded yet
        DONE = "done"
        FAILED = "failed"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveIntegerField()
    target = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    result = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["operation", "seq"], name="operation_item_seq")]
        indexes = [
            models.Index(fields=["operation", "state", "seq"]),
            models.Index(fields=["target"], name="operation_item_target"),  # the audit log's filter
        ]

    def __str__(self) -> str:
        return f"{self.target}: {self.state}"


# How many of the operations that included one target the audit log's filter looks at, newest first.
OPERATIONS_INCLUDING = 1_000


def operations_including(target: str) -> models.Q:
    """The audit entries of the operations whose items include the target (by its id)."""
    ids = (
        OperationItem.objects.filter(target=target)
        .order_by("-operation_id")
        .values_list("operation_id", flat=True)
        .distinct()[:OPERATIONS_INCLUDING]
    )
    return models.Q(target_type="operation", target_id__in=[str(pk) for pk in ids])
