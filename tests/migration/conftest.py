from tests.engines.conftest import config, engine, http  # noqa: F401 - the adapter under respx
