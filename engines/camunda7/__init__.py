"""Camunda 7 engine-rest, and the forks that keep its API (Operaton, CIB seven)."""
