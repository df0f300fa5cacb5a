"""kombu's Redis transport, made to survive the broker going away under a running worker.

When the connection drops, Celery's consumer first collects the connection (which drops the
transport's client) and then closes it; closing hands the unacknowledged messages back, which
needs the client's hostname, so the worker ended with "'NoneType' object has no attribute
'hostname'" instead of reconnecting. Here that case raises a connection error, which the close
ignores as it ignores every broker error, and the worker goes on to reconnect. Nothing is lost by
skipping the hand-back: Redis hands unacknowledged messages back after the visibility timeout, and
the operations sweep resumes any operation whose step was lost meanwhile.
"""

from __future__ import annotations

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("the connection to the broker is closed already")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
