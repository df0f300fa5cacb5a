"""The address a request came from, read as the documented proxy set-up says (COCKPIT_PROXY_COUNT)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The Nth entry from the right of X-Forwarded-For behind N proxies, else REMOTE_ADDR.

    Each proxy appends the address it was reached from, so the rightmost N entries are written by
    our own proxies and anything to the left of them is the client's own say, ignored. A request
    with fewer entries did not come through all of them: its REMOTE_ADDR is all we know.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.COCKPIT_PROXY_COUNT
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
