"""Accounts: staff (create, change, deactivate and delete admins and teachers) and a person's
own sign-in address, changed only once the new address is confirmed.

Each runs in one transaction. Mail goes through Django's email API, which the configured
backend puts into the outbox.
"""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from rendezvous.accounts import errors
from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.lib.errors import NotAllowed
from rendezvous.lib.guards import Guards
from rendezvous.lib.mail import TEMPLATE_HEADER, render_email
from rendezvous.organisations.models import Organisation

# Rules of higher apps (a teacher with appointments) run before a staff account is deleted.
staff_removal = Guards("staff account deleted")
EMAIL_CHANGE_SALT = "rendezvous.accounts.email-change"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600


def login_url() -> str:
    return f"{settings.SITE_URL}{reverse('account_login')}"


def _check_staff_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise errors.NotStaffRole()


def _check_email_free(email: str, *, exclude: User | None = None) -> None:
    others = User.objects.exclude(role=Role.PARENT).filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise errors.EmailTaken()


def _check_not_last_admin(user: User) -> None:
    """Refuse to take away the organisation's last active admin (rows locked on PostgreSQL)."""
    if user.role != Role.ADMIN or not user.is_active:
        return
    admins = User.objects.select_for_update().filter(
        organisation_id=user.organisation_id, role=Role.ADMIN, is_active=True
    )
    if not [pk for pk in admins.values_list("pk", flat=True) if pk != user.pk]:
        raise errors.LastAdmin()


def _check_not_self(user: User, acting_user: User | None) -> None:
    if acting_user is not None and acting_user.pk == user.pk:
        raise errors.SelfChangeRefused()


def _check_staff(user: User, acting_user: User | None) -> None:
    if user.role not in STAFF_ROLES:
        raise errors.NotStaffRole()
    if acting_user is not None and acting_user.organisation_id != user.organisation_id:
        raise NotAllowed()


def password_set_url(user: User) -> str:
    """A link to allauth's reset-from-key page, valid until the password changes."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def send_account_email(*, template: str, to: str, user: User, context: dict) -> None:
    """Render templates/emails/<template>.* in the user's language and send it through
    Django's email API (into the outbox, inside the caller's transaction)."""
    tz = user.organisation.tz if user.organisation_id else None
    context = {"recipient": user, "organisation": user.organisation, **context}
    subject, text, html = render_email(template, context, user.language, tz)
    message = EmailMultiAlternatives(subject, text, to=[to], headers={TEMPLATE_HEADER: template})
    message.attach_alternative(html, "text/html")
    with translation.override(user.language):
        message.send()


def send_staff_welcome(*, user: User) -> None:
    """Mail a new (or locked-out) staff member a link to choose their password."""
    send_account_email(
        template="staff_welcome",
        to=user.email,
        user=user,
        context={"password_url": password_set_url(user), "login_url": login_url()},
    )


@transaction.atomic
def create_staff_user(
    *,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    language: str,
    send_welcome: bool = True,
) -> User:
    _check_staff_role(role)
    _check_email_free(email)
    user = User(
        organisation=organisation,
        email=User.objects.normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        role=role,
        language=language,
    )
    user.set_unusable_password()
    user.save()
    if send_welcome:
        send_staff_welcome(user=user)
    return user


@transaction.atomic
def update_staff_user(
    *,
    user: User,
    acting_user: User | None = None,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    language: str,
    is_active: bool,
) -> User:
    _check_staff(user, acting_user)
    _check_staff_role(role)
    if role != Role.ADMIN or not is_active:
        if role != user.role or is_active != user.is_active:
            _check_not_self(user, acting_user)
        _check_not_last_admin(user)
    _check_email_free(email, exclude=user)
    user.email = User.objects.normalize_email(email)
    user.first_name, user.last_name = first_name, last_name
    user.role, user.language, user.is_active = role, language, is_active
    user.save(update_fields=["email", "first_name", "last_name", "role", "language", "is_active"])
    return user


@transaction.atomic
def deactivate_staff_user(*, user: User, acting_user: User | None = None) -> User:
    _check_staff(user, acting_user)
    _check_not_self(user, acting_user)
    _check_not_last_admin(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def delete_staff_user(*, user: User, acting_user: User | None = None) -> None:
    """Delete a staff account; the guards refuse while something still depends on it."""
    _check_staff(user, acting_user)
    _check_not_self(user, acting_user)
    _check_not_last_admin(user)
    staff_removal.check(user)
    user.delete()


def _email_taken(email: str, *, exclude: User) -> bool:
    return (
        User.objects.exclude(role=Role.PARENT)
        .exclude(pk=exclude.pk)
        .filter(email__iexact=email)
        .exists()
    )


def request_email_change(*, user: User, new_email: str) -> None:
    """Mail a confirmation link to the new address; the sign-in address changes only when it
    is followed. Parents have no email sign-in to change (the office keeps their address).

    An address another account already uses gets a notice instead of a link, and the person
    asking is told the same as for any other address: whether an account exists stays private.
    """
    if user.role == Role.PARENT:
        raise NotAllowed()
    new_email = User.objects.normalize_email(new_email.strip())
    if new_email.lower() == user.email.lower():
        raise errors.EmailUnchanged()
    if _email_taken(new_email, exclude=user):
        send_account_email(template="email_in_use", to=new_email, user=user, context={})
        return
    token = signing.dumps(
        {"user": user.pk, "from": user.email.lower(), "to": new_email}, salt=EMAIL_CHANGE_SALT
    )
    path = reverse("account_email_confirm", kwargs={"token": token})
    send_account_email(
        template="email_change",
        to=new_email,
        user=user,
        context={"new_email": new_email, "confirm_url": f"{settings.SITE_URL}{path}"},
    )


def read_email_change(token: str) -> tuple[User, str]:
    """The account and the new address a confirmation link is for, while it is valid: not
    expired, and the account's address still the one it was sent from."""
    try:
        change = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
        user = (
            User.objects.exclude(role=Role.PARENT)
            .filter(pk=change["user"], email__iexact=change["from"], is_active=True)
            .select_related("organisation")
            .first()
        )
        new_email = str(change["to"])
    except (signing.BadSignature, KeyError, TypeError):
        raise errors.EmailChangeLinkInvalid() from None
    if user is None:
        raise errors.EmailChangeLinkInvalid()
    return user, new_email


@transaction.atomic
def confirm_email_change(*, token: str) -> User:
    """Make the confirmed address the sign-in address; the old one is told."""
    user, new_email = read_email_change(token)
    if _email_taken(new_email, exclude=user):
        raise errors.EmailTaken()
    old_email = user.email
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:
        raise errors.EmailTaken() from None
    send_account_email(
        template="email_changed", to=old_email, user=user, context={"new_email": new_email}
    )
    return user
