"""A stand-in for a Camunda 7 engine's REST API, for the demo, the tests and the benchmarks.

It is a test double, not the product: state lives in SQLite, processes are ours, and it
answers the engine-rest endpoints the dashboard uses the way the real engine does (paths,
parameters, field names, date format, status codes, error bodies).
"""
