"""The Celery app; tasks live in the apps (tasks.py) and take engine names and ids, never objects.

What else a worker runs the apps add too (their AppConfig.ready), e.g. the batches' timed sweep.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cockpit.settings")


app = Celery("cockpit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
