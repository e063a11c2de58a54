"""Small helpers shared by the page views."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from rendezvous.lib.errors import DomainError


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
