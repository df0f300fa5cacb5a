from __future__ import annotations

from django.http import HttpRequest

from batches.models import Operation


def operations(request: HttpRequest) -> dict[str, object]:
    """Whether the header shows the running-work indicator (it then polls until all is done)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"has_operations": False}
    mine = Operation.objects.filter(user=user)
    unfinished = mine.exclude(status__in=Operation.FINISHED).exists()
    return {"has_operations": unfinished or mine.filter(notified=False).exists()}
