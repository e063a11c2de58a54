"""Small helpers shared by the page views."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from rendezvous.lib.errors import DomainError

# The largest id a 64-bit integer column holds; larger numbers overflow SQLite's driver.
MAX_ID = 2**63 - 1


def role_required(*roles):
    """Signed in, with one of the roles, and belonging to an organisation."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.role not in roles or user.organisation_id is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def report_error(request, error: DomainError) -> None:
    messages.error(request, str(error.message))


def safe_next(request, default: str) -> str:
    """The form's or query's `next` address if it stays on this site, else `default`
    (an address or a URL name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only paths on this site: a bare word would be taken for a URL name and fail to reverse.
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return resolve_url(default)


def parse_id(value) -> int | None:
    """A row id from a query parameter, or None for anything else ("", "²", "-1", 10**30)."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
