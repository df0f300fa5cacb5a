"""The Celery app; tasks live in the apps (tasks.py) and take engine names and ids, never objects."""

import logging
import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")

log = logging.getLogger(__name__)

app = Celery("cockpit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class SweepOperations(bootsteps.StartStopStep):
    """Every worker queues a sweep for stalled operations on a timer (batches.operations.sweep).

    A timer in each worker rather than Celery beat: beat is one more process to run and, run once,
    it dies with its host, the very failure the sweep is there for; embedded in several workers
    (`-B`) it runs once per worker anyway. Sweeping from every worker needs no election: the sweep
    claims each stalled operation in the database before queuing it, so two sweeps never queue the
    same one. The timer is the worker's own event-loop timer (no thread in the process that forks
    the pool), and it only publishes a small task, so it never blocks the worker for long.
    """

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.entry = None

    def start(self, worker):
        from django.conf import settings

        self.interval = float(settings.COCKPIT_SWEEP_SECONDS)
        self.entry = worker.timer.call_repeatedly(self.interval, self.queue_a_sweep, priority=10)

    def stop(self, worker):
        if self.entry is not None:
            self.entry.cancel()
            self.entry = None

    def queue_a_sweep(self):
        from batches.tasks import sweep_operations

        try:
            # Expiring: sweeps that waited out a busy queue or an outage are dropped, not piled up.
            sweep_operations.apply_async(retry=False, expires=self.interval * 2)
        except Exception:  # the broker is down: the next tick tries again
            log.warning("could not queue a sweep of stalled operations", exc_info=True)


app.steps["worker"].add(SweepOperations)
