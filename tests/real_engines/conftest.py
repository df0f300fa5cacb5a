import pytest

from tests.celery_fixtures import Workers


@pytest.fixture
def camunda_workers(broker, on_camunda7):
    """Real Celery workers whose engine named demo is the real Camunda 7.24 (as on_camunda7 makes it)."""
    pool = Workers(broker, on_camunda7.rest_url)
    yield pool
    pool.stop_all()
