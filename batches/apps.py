from django.apps import AppConfig


class BatchesConfig(AppConfig):
    name = "batches"

    def ready(self) -> None:
        from batches.tasks import SweepOperations
        from cockpit.celery import app

        # Celery sets Django up before a worker builds its steps, so every worker gets the timed sweep.
        app.steps["worker"].add(SweepOperations)
