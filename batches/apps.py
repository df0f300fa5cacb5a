from django.apps import AppConfig


class BatchesConfig(AppConfig):
    name = "batches"

    def ready(self) -> None:
        from audit.forms import ALSO_CONCERNING
        from batches.models import operations_including
        from batches.tasks import SweepOperations
        from cockpit.celery import app

        ALSO_CONCERNING.append(operations_including)
        # Celery sets Django up before a worker builds its steps, so every worker gets the timed sweep.
        app.steps["worker"].add(SweepOperations)
