from django.apps import AppConfig


class TroubleConfig(AppConfig):
    """Where the trouble is going to be: failed jobs still retrying, instances stuck in an activity."""

    name = "trouble"
