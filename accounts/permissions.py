"""The one permission decorator every view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.roles import Perm, roles_with


def requires(perm: Perm) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse with 403 unless the (logged-in) user holds perm; the check is in the view, not the button."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.has_perm(perm):
                raise PermissionDenied(f"This needs one of the roles: {', '.join(roles_with(perm))}.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
