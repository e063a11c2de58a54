"""The only way views obtain an organisation: the signed-in person's own."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rendezvous.organisations.models import Organisation


def get_organisation_for_user(user, *, write: bool = False) -> Organisation:
    """The user's organisation (404 without one). Its members read it; only its office
    (admins) may change it (403)."""
    if not user.is_authenticated or user.organisation_id is None:
        raise Http404
    if write and not user.is_admin:
        raise PermissionDenied
    return user.organisation


def get_organisation_theme(slug: str) -> Organisation:
    """An organisation by its slug, for anyone: only for what is public anyway (its colours
    on the sign-in page and in mails). 404 for an unknown slug."""
    try:
        return Organisation.objects.only("slug", "accent_colour").get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
