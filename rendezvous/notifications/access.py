"""The only way views obtain outbox rows: 404 for anything outside the admin's organisation."""

from django.http import Http404

from rendezvous.accounts.models import Role, User
from rendezvous.lib.queries import by_key
from rendezvous.notifications.models import OutgoingEmail


def emails_visible_to(user: User):
    if not user.is_authenticated or user.role != Role.ADMIN or user.organisation_id is None:
        return OutgoingEmail.objects.none()
    return OutgoingEmail.objects.filter(organisation_id=user.organisation_id)


def get_email_for_user(user: User, email_id: int) -> OutgoingEmail:
    """Only an organisation's admins see its emails (they hold credentials and personal data);
    who may see one may also resend it, so there is no read-only case."""
    email = by_key(emails_visible_to(user).filter(pk=email_id))
    if email is None:
        raise Http404
    return email
